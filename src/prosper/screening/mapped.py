"""Read-only views over the sections of a mapped index file (:mod:`prosper.screening.cache`):
sorted keys and their postings, names and entities decoded on first access, entity ids,
sources and types without decoding the entities."""

from __future__ import annotations

import json
from abc import abstractmethod
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from itertools import pairwise
from typing import Any, TypeVar, overload

from prosper.lists.codec import decode_entity
from prosper.model import Entity
from prosper.names.normalize import NameForm

_NameRow = tuple[int, bool, NameForm]
_FENCE = 32  # keys per block of a mapped table's two-level search
PARTY_SEP = "\x1f"
"""Joins a strong name's sorted tokens into one key of the party-name table (``kim\x1fjong\x1fun``):
normalisation splits a name at every control character, so no token holds it."""


class _Keys(Sequence[bytes]):
    """The sorted keys of a mapped table, decoded one at a time (for :func:`bisect_left`)."""

    def __init__(self, offsets: memoryview, blob: memoryview) -> None:
        self._off = offsets
        self._blob = blob

    def __len__(self) -> int:
        return len(self._off) - 1

    @overload
    def __getitem__(self, i: int) -> bytes: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[bytes]: ...
    def __getitem__(self, i: int | slice) -> bytes | Sequence[bytes]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return bytes(self._blob[self._off[i] : self._off[i + 1]])


class _Fences(Sequence[bytes]):
    """Every :data:`_FENCE`-th key of a table, decoded when a bisection reads it."""

    def __init__(self, keys: _Keys) -> None:
        self._keys = keys
        self._len = (len(keys) + _FENCE - 1) // _FENCE

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, i: int) -> bytes: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[bytes]: ...
    def __getitem__(self, i: int | slice) -> bytes | Sequence[bytes]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._len))]
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError(i)
        return self._keys[i * _FENCE]


LAZY_LOOKUPS = 256
"""Look-ups of a table that bisect its fences decoded one at a time (~15 keys each); the
next one decodes every fence once (a list: a C bisect), as a batch or a server asks many. A
one-name screen asks a few dozen: it no longer decodes the ~11,000 fences of each table."""


LAZY_HELD = 2000  # keys asked through MappedTable.held before it decodes their set (~15 ms)


class MappedTable(Mapping[str, Sequence[int]]):
    """A read-only ``key → ints`` mapping over a mapped file's sorted keys and postings."""

    def __init__(self, sections: Mapping[str, memoryview], prefix: str = "") -> None:
        self._keys = _Keys(sections[prefix + "key_off"].cast("q"), sections[prefix + "key_blob"])
        self._post_off = sections[prefix + "post_off"].cast("q")
        self._post = sections[prefix + "post"].cast("i")
        self._found: dict[str, int] = {}  # key → row, remembered (a batch asks the same keys)
        self._fences: Sequence[bytes] = _Fences(self._keys)
        self._lookups = 0
        self._asked = 0  # keys asked through :meth:`held` before its set is decoded
        self._sets: dict[str, frozenset[str]] = {}

    def _row(self, key: str) -> int:
        row = self._found.get(key)
        if row is None:
            raw = key.encode()
            keys = self._keys
            if self._lookups <= LAZY_LOOKUPS:
                self._lookups += 1
                if self._lookups > LAZY_LOOKUPS:  # decoded once: a C bisect from now on
                    self._fences = [keys[i] for i in range(0, len(keys), _FENCE)]
            block = bisect_right(self._fences, raw) - 1
            lo = max(0, block) * _FENCE
            row = bisect_left(keys, raw, lo, min(len(keys), lo + _FENCE))
            if row >= len(keys) or keys[row] != raw:
                row = -1
            self._found[key] = row
        return row

    def held(self, keys: list[str], prefix: str) -> list[str]:
        """The ``keys`` the table holds as ``prefix + key``, in order: looked up one by one at
        first, then (past :data:`LAZY_HELD` keys asked) against every key of ``prefix`` decoded
        once into a set (:meth:`_key_set`). The neighbour spellings of a batch's typos ask ~90
        keys a word, few of them held: a set test instead of a bisection and a remembered miss."""
        known = self._sets.get(prefix)
        if known is None:
            self._asked += len(keys)
            if self._asked <= LAZY_HELD:
                return [k for k in keys if self._row(prefix + k) >= 0]
            known = self._sets[prefix] = self._key_set(prefix)
        return [k for k in keys if k in known]

    def _key_set(self, prefix: str) -> frozenset[str]:
        """Every key that starts with ``prefix``, without it (the keys are sorted: one range)."""
        raw = prefix.encode()
        keys = self._keys
        lo = bisect_left(keys, raw)
        hi = bisect_left(keys, raw[:-1] + bytes([raw[-1] + 1])) if raw else len(keys)
        off = keys._off
        base, n = off[lo], len(raw)
        blob = bytes(keys._blob[base : off[hi]])
        return frozenset(
            blob[off[i] - base + n : off[i + 1] - base].decode() for i in range(lo, hi)
        )

    def get(self, key: str, default: Any = None) -> Any:
        row = self._row(key) if isinstance(key, str) else -1
        if row < 0:
            return default
        return self._post[self._post_off[row] : self._post_off[row + 1]]

    def __getitem__(self, key: str) -> Sequence[int]:
        found: Sequence[int] | None = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._row(key) >= 0

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self._keys)):
            yield self._keys[i].decode()

    def __len__(self) -> int:
        return len(self._keys)


_T = TypeVar("_T")


class _Decoded(Sequence[_T]):
    """Rows of a mapped file decoded on first access and kept (subclasses give ``_decode``)."""

    _decoded: dict[int, _T]

    @abstractmethod
    def _decode(self, i: int) -> _T:
        """Row ``i`` decoded from the mapped bytes."""

    @overload
    def __getitem__(self, i: int) -> _T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[_T]: ...
    def __getitem__(self, i: int | slice) -> _T | Sequence[_T]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        row = self._decoded.get(i)
        if row is None:
            if i < 0:
                i += len(self)
            if not 0 <= i < len(self):
                raise IndexError(i)
            row = self._decode(i)
            self._decoded[i] = row
        return row


class MappedNames(_Decoded[_NameRow]):
    """The indexed names of a mapped file; each decoded on first access and kept."""

    def __init__(self, sections: Mapping[str, memoryview]) -> None:
        self._entity = sections["name_entity"].cast("i")
        self._strong = sections["name_strong"]
        self._off = sections["name_off"].cast("q")
        self._blob = sections["name_blob"]
        self._decoded: dict[int, _NameRow] = {}

    def __len__(self) -> int:
        return len(self._entity)

    def _decode(self, i: int) -> _NameRow:
        orig, toks, full, forms, scripts, phon, kor, var = json.loads(
            bytes(self._blob[self._off[i] : self._off[i + 1]])
        )
        form = NameForm(
            orig,
            tuple(toks),
            tuple(full),
            tuple(forms),
            frozenset(scripts),
            tuple(phon),
            tuple(kor),
            tuple(var),
        )
        return (self._entity[i], bool(self._strong[i]), form)


class _Strings(Sequence[str]):
    """Strings stored as offsets + blob, decoded on access."""

    def __init__(self, offsets: memoryview, blob: memoryview) -> None:
        self._off = offsets
        self._blob = blob

    def __len__(self) -> int:
        return len(self._off) - 1

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return bytes(self._blob[self._off[i] : self._off[i + 1]]).decode()

    def __iter__(self) -> Iterator[str]:  # all at once: 41k ids in milliseconds
        data, off = bytes(self._blob), self._off.tolist()
        return (data[a:b].decode() for a, b in pairwise(off))

    def find(self, text: str) -> int | None:
        """The position of the last string equal to ``text`` (as ``{s: i for i, s in
        enumerate(self)}`` would say), or None: a search of the blob, not a decode of every
        string (a warm one-name screen asks for a few entities of 41k)."""
        raw = text.encode()
        data: bytes | None = getattr(self, "_data", None)
        if data is None:
            data = self._data = bytes(self._blob)
        off = self._off
        end = len(data)
        while raw:
            at = data.rfind(raw, 0, end)
            if at < 0:
                break
            i = bisect_right(off, at) - 1  # the last string starting at or before it
            if off[i] == at and off[i + 1] == at + len(raw):
                return i
            end = at + len(raw) - 1  # an occurrence inside or across strings: look further left
        if not raw:  # the empty string: the last empty entry, if any
            for i in range(len(self) - 1, -1, -1):
                if off[i] == off[i + 1]:
                    return i
        return None


class Coded(Sequence[_T]):
    """A per-entity value stored as one byte code per entity (its source, its type), read
    without decoding the entity: ``values[codes[i]]``."""

    def __init__(self, codes: memoryview, values: list[_T]) -> None:
        self._codes = codes
        self._values = values

    def __len__(self) -> int:
        return len(self._codes)

    @overload
    def __getitem__(self, i: int) -> _T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[_T]: ...
    def __getitem__(self, i: int | slice) -> _T | Sequence[_T]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self._values[self._codes[i]]


class MappedEntities(_Decoded[Entity]):
    """The list entities of a mapped file; each decoded on first access and kept."""

    def __init__(self, sections: Mapping[str, memoryview], sources: Sequence[str]) -> None:
        self._records = _Strings(sections["ent_off"].cast("q"), sections["ent_blob"])
        self.ids = _Strings(sections["eid_off"].cast("q"), sections["eid_blob"])
        self._sources = {s: s for s in sources}  # one string object per source
        self.sources = Coded(sections["ent_source"], list(self._sources))
        self._decoded: dict[int, Entity] = {}
        self._pool: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._records)

    def _decode(self, i: int) -> Entity:
        record = json.loads(self._records[i])
        source = str(record.pop("_source"))
        return decode_entity(record, self._sources.get(source, source), self._pool)


class PartyNames(Mapping[tuple[str, ...], tuple[int, ...]]):
    """Strong-name key (sorted tokens) → entities sharing it, over a mapped table whose keys
    are the tokens joined by :data:`PARTY_SEP` (read key by key, not decoded at open)."""

    def __init__(self, table: MappedTable) -> None:
        self._table = table

    def __getitem__(self, key: tuple[str, ...]) -> tuple[int, ...]:
        found = self._table.get(PARTY_SEP.join(key)) if isinstance(key, tuple) else None
        if found is None:
            raise KeyError(key)
        return tuple(found)

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return (tuple(k.split(PARTY_SEP)) for k in self._table)

    def __len__(self) -> int:
        return len(self._table)


class PartyRefs(Mapping[str, tuple[int, ...]]):
    """UN reference → entities holding it, over a mapped table (as :class:`PartyNames`)."""

    def __init__(self, table: MappedTable) -> None:
        self._table = table

    def __getitem__(self, key: str) -> tuple[int, ...]:
        found = self._table.get(key)
        if found is None:
            raise KeyError(key)
        return tuple(found)

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)
