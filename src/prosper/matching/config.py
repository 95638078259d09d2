"""Every tuning constant of the matcher in one place, each with an example.

The scorer (:mod:`prosper.matching.names`) aligns query tokens with list tokens; each aligned
pair scores by *how* the tokens agree, then the name score is the weighted share of aligned
evidence (:func:`prosper.matching.names.score_name`). Qualifiers (:mod:`prosper.screening.index`)
move the name score up or down.
"""

from __future__ import annotations

# --- token agreement (one score per way two tokens can agree) -------------------------------
EXACT = 1.0  # "kim" = "kim"
ROMANIZATION = 0.93  # "pyong" (McCune–Reischauer) = "byeong" (Revised) = "byung" (popular)
TRANSLITERATED = 0.88  # "mhmd" (from محمد, no vowels written) ~ "mohamed" by consonants
# consonant skeletons of 4+ letters, same first letter, one edit apart: "hmzyt" ~ "hamzawi"
TRANSLITERATED_NEAR = 0.82
# ... or equal once the letters that one Arabic-script consonant takes in different languages'
# Latin are folded (z/d/dh, th/s, q/g/gh, w/v: "fdl" from فضل ~ "Fazl", "thaqb" ~ "Saqib")
TRANSLITERATED_CLASS = 0.82
# ... but a consonant skeleton of at most 2 letters fits too many names to count as much:
# "ميرا" (Mira, "mr") = "Omar" = "Amir" = "Amr"; "عايض" ("yd" → "d") = "Wadi".
ABJAD_SHORT_SKELETON = 2
TRANSLITERATED_SHORT = 0.75
# Arabic-script name vs Latin name, whole consonant skeletons compared
# ("عبد الرحمن" → "bdrhmn" ~ "Abdul Rahman" → "bdrmn")
ABJAD_MIN_SIMILARITY = 0.8
VARIANT = 0.9  # "yevgeniy" ~ "evgeny", "qadhafi" ~ "kadafi" (transliteration conventions)
# The same consonants once the transliteration spellings of one sound are folded (kh/h,
# ch/cz/tj/c, sh/sz, x/ks, zh/j …; prosper.names.variants.spelling_skeleton), vowels free:
# "Aliaksei" ~ "Aleksey", "Melnichenko" ~ "Mielniczenko", "Fyodorov" ~ "Fedorov". At least
# SPELLING_MIN_CONSONANTS consonants, so "Karim" / "Karam" (krm) stay apart.
SPELLING_VARIANT = 0.85
# English word forms of one word, same first four letters: "bank" / "banking",
# "trade" / "trading" (Korean organisation names read through the glossary say "bank").
STEM = 0.9
# A given name and its nickname (persons): "Bob" ~ "Robert", "Bill" ~ "William" (the
# nicknames package's table, prosper.names.nicknames).
NICKNAME = 0.85
# One given name in another language of the region and its transliteration (persons):
# "Sergey" ~ "Serhii" ~ "Siarhei", "Nikita" ~ "Mykyta" (prosper.names.given_names).
GIVEN_NAME_VARIANT = 0.88
# Organisation words stem to at least this many letters ("technologies" ~ "technology").
ORG_STEM_MIN = 5
SPELLING_MIN_CONSONANTS = 4
# ... and the spellings must still be close: "ramos" and "ramzi" share a metaphone (RMS)
PHONETIC_MIN_SIMILARITY = 0.65
PHONETIC_SPELLING_BONUS = 0.1  # phonetic score = min(PHONETIC, spelling similarity + this)
PHONETIC = 0.9  # "rosoboroneksport" ~ "rosoboronexport" (same metaphone, same first letter)
INITIAL = 0.75  # "j" ~ "jong" (persons only)
MIN_FUZZY = 0.6  # below this a Levenshtein similarity counts as no agreement
# Levenshtein edits allowed per token: 1 per 4 characters of the shorter token, at least 1
# from 4 characters ("bush" ~ "bash" yes, "kim" ~ "kin" no: too short to tell).
FUZZY_CHARS_PER_EDIT = 4
FUZZY_MIN_LENGTH = 4
# Tokens this short must share their first letter to be fuzzy variants: "Gang" vs "Sang",
# "Long" vs "Dong" are different names, not typos.
FUZZY_SHORT_SAME_FIRST = 5
FUZZY_FIRST_LETTER_PENALTY = 0.1  # typos rarely hit the first letter: "Serkan" vs "Erkan"
# The first two letters swapped ("Akina" / "Kaina", "Hcol" / "Chol"): a typo, allowed even
# where the first letters must otherwise agree.
FUZZY_START_SWAP = 0.8
FUZZY_INFLECTION = 0.5  # a final-vowel difference is a gendered form: "Ivanov" / "Ivanova"
# ... when one of the two final vowels is one of these (feminine -a, -e; "Mario" / "Maria",
# "Simone" / "Simona"); "Elmi" / "Elmo" (i ↔ o) is a typo and stays a fuzzy agreement (0.75).
INFLECTION_VOWELS = "ae"

# Chinese and Korean names are strings of syllables: when both names are written one syllable
# per token (or either is in Han / Hangul script), a phonetic or fuzzy agreement between two
# different real syllables (pinyin or Korean MR/RR, at most this many letters) counts as no
# agreement: "Kim Sang-hun" vs "KIM, Song Hun" 0.95 → 0.65, "Lei Zhong" vs "ZHANG, Lei"
# 0.95 → 0.53. The same syllable in another romanization still agrees ("sung" ≈ "song" 0.93,
# ROMANIZATION), and so does a typo that is no syllable ("Kim Jomg Un" ≈ "KIM Jong Un").
# A one-letter syllable is no initial there either: 이영호 "i yeong ho" vs "HO, Yong Il"
# ("i" ≈ "il" as an initial) 0.92 → 0.77.
SYLLABLE_MAX_LETTERS = 6
# ... except that a syllable one letter short of the other ("Hwa Sog PAK" / "PAK, Hwa Song",
# "jon" / "jong"; never the first letter) agrees weakly: a dropped letter is the commonest
# typo, and yet "Son" / "Song" are two Korean surnames. Enough to rank the entity whose other
# syllables agree first ("PAK, Hwa Song" 0.62 → 0.70, over "Hwang Sok-Hwa" 0.67), not enough to
# alert on such a syllable beside two exact ones: "Kim Jon Un" / "KIM Jong Un" 0.67, "Son Hyo
# Nam" / "Song Hyo Nam" 0.77 (0.3 put the latter at 0.80).
SYLLABLE_LETTER_DROPPED = 0.2

# --- name score -----------------------------------------------------------------------------
# Unaligned tokens count against the score with this share of their weight, on both sides:
# "Vladimir Putin" vs "Vladimir Vladimirovich Putin" keeps ~0.88, "George Bush" vs
# "George Habbash" drops to ~0.45 ("bush" and "habbash" both unaligned, both rare).
EXTRA_TOKEN_PERSON = 0.5
EXTRA_TOKEN_ORG = 0.55
# ... but when one name is a single token, the other's extra tokens count in full:
# "EMMA DANIELS" vs "EMMA LLC" (legal form removed → "emma") scores 0.67, not a match.
EXTRA_TOKEN_SINGLE = 1.0
# ... and so when a person's name has one word that names someone, particles, titles and
# patronymics aside (True): the kunya "HAFSAT, Abu" ("father of Hafsat") is no partial match
# of "Hafsat Yusuf" (0.85 + country → 0.6; 8 of the tuning negatives' 15 Nigerian alerts).
SINGLE_NAMED_WORD = True
# ... and when both names keep unaligned tokens, those disagree rather than being missing:
# "Kim Jong Un" vs "Kim Yo Jong" ("un" vs "yo") drops from 0.81 to ~0.69.
EXTRA_TOKEN_CONFLICT = 1.0
# ... and more than in full for names written syllable by syllable (Han, Hangul, romanized
# Korean), where a missing syllable is a different given name: "Kim Sung-su" ≠ "KIM Song".
EXTRA_TOKEN_SYLLABIC = 1.5
# Particles and patronymics missing from the other name count at this share of their weight
# (and are no conflict): "Ahmed DIBE" vs "Ahmed AL-DIB", "Andrey Igorevich MELNICHENKO" vs
# "Andriej Mielniczenko". A patronymic is a word of 7+ letters with one of these endings.
MINOR_TOKEN = 0.3
PARTICLES = (
    "al el ul ad ar as ash at az an bin ibn bint ben ould abu abou van der den de la le du da "
    "dos das del della von zu ter"
)
# Titles and honorifics some lists write before a name and others leave out, counted like
# particles: "Haji Ahmad Jan" / "Ahmad Jan", "Mullah Naeem" / "Naeem", "General Nkunda".
TITLES = (
    "haji hajji alhaj mullah mulla mawlawi maulvi maulana qari sheikh shaikh shaykh sheik "
    "general generaal gen col colonel dr doctor mr mrs ms daw nai"
)
# Spellings of one particle, which agree as transliterations ("Ahmad bin Ali" / "Ahmad ibn Ali").
# "bn", "bw", "bd" are بن, ابو, عبد as ICU writes them from Arabic script.
PARTICLE_SPELLINGS = ("bin ibn ben bn", "al el ul", "abu abou abw bw", "abd abdul abdel bd")
# ... but when both names keep a patronymic the other lacks, they name two fathers: neither is
# minor, and they conflict in full (EXTRA_TOKEN_CONFLICT): "Ivan Aleksandrovich Yermakov" vs
# "YERMAKOV, Ivan Sergeyevich" 0.98 → under the threshold; "Andrey Igorevich Melnichenko" vs
# "Andriej Mielniczenko" (no patronymic there) is unchanged.
# Two patronymics whose fathers' names (ending removed) are at least this alike are one name in
# two spellings, no conflict: "Semjonovitj" / "Semenovich", "Mykolaiovych" / "Nikolayevich".
PATRONYMIC_CONFLICT = True
PATRONYMIC_SAME_SIMILARITY = 0.5
PATRONYMIC_ENDINGS = (
    r"(?:ovich|evich|ovych|evych|ovitj|evitj|ovitch|ovic|evic|ovna|evna|ivna|ichna"
    r"|ogly|oglu|qizi|kyzy|uulu)$"
)
# The whole name with spaces removed, compared as one string: "JSCARGUMENT" ~ "JSC ARGUMENT",
# "Jongun" ~ "Jong Un". Needs this similarity and at least COMPACT_MIN_LENGTH characters.
# (Han or Hangul names must agree exactly without spaces: one letter off is another character,
# 王志强 "wangzhiqiang" vs "WANG, Zhiqing" 0.89 → 0.31.)
COMPACT_MIN_SIMILARITY = 0.9
COMPACT_MIN_LENGTH = 6
COMPACT_FACTOR = 0.97  # a merged/split match is slightly weaker than a token-by-token one
# One word aligned with two adjacent words of the other name ("Alireza" / "Ali Reza",
# عبدالطیف / "Abdul Latif"): the word needs at least this many letters.
MERGED_MIN_LENGTH = 5
# A brand query that is the most distinctive word of a long legal name:
# "Hikvision" ~ "Hangzhou Hikvision Digital Technology Co., Ltd."
BRAND_SCORE = 0.85
BRAND_MIN_WEIGHT = 6.0  # the brand must be rare on the lists (IDF ≥ 6 ≈ on < 0.25 % of names)
# ... and clearly rarer than every other word of the legal name ("Hangzhou", "Digital"):
# "CAPRIKAT" does not stand for "CAPRIKAT AND FOXWHELP SARL" (FOXWHELP is as rare).
BRAND_MARGIN = 1.0
# ... and the legal name keeps at most this many other distinctive words (places and generic
# words aside): "Avangard" is not "Moscow Machine Building Plant Avangard".
BRAND_MAX_OTHER_WORDS = 1
# An organisation name that is one word of at least ACRONYM_MIN_LETTERS letters, the initials
# of every word of the other name: "SMIC" ~ "Semiconductor Manufacturing International
# Corporation". Just over the default threshold: initials say less than the words.
ACRONYM_MIN_LETTERS = 4
ACRONYM_SCORE = 0.82
# Organisations: when each name keeps an unaligned distinctive word (a place, or a word with
# at least this weight, i.e. on fewer than ~1 % of list names), they are two organisations
# whatever else they share, and the score is capped just under the default threshold:
# "Bank Melli Iran" / "Bank Mellat Iran", "Moore Thread … (Chengdu)" / "… (Beijing)".
DIFFERING_WORD_MIN_WEIGHT = 4.5
DIFFERING_WORD_CAP = 0.79
# When the only agreeing tokens are numbers ("11420 CORP." vs "11420 TRADING") the name
# score is multiplied by this.
NUMBER_ONLY_FACTOR = 0.3

# --- entity-level adjustments (used by prosper.screening.index) -----------------------------------
# A name of at most this many syllables in all ("Li Li", 李丽, "Min Sun", 김철) is shared by
# too many people to alert on the name alone: without an agreeing date of birth or identifier
# its hit is capped at THIN_NAME_CAP, just under the default 0.80 threshold — it still shows at
# a lower threshold or when one agrees. The exact listed name in
# the list's own script is exempt ("KIM Chol" typed as listed stays 1.0), not a transliteration
# (李丽 → "li li" loses which of dozens of characters were meant).
THIN_NAME_SYLLABLES = 2
THIN_NAME_CAP = 0.79
# ... and a country is no such qualifier (False): tens of thousands of people in China are
# called 李颖 "LI, Ying", so a CN customer of that name with another date of birth is no hit on a
# listed "LI, Ying" without one (tuning negatives: 20 of the 43 CN alerts were such names, each
# lifted over the cap by the country alone). A date of birth or a document still lifts it.
THIN_NAME_COUNTRY_LIFTS = False
WEAK_ALIAS_FACTOR = 0.92  # OFAC weak a.k.a. / UN "Low" quality alias
TYPE_MISMATCH = -0.15  # query says person, list entry is an organisation
# ... a person and a vessel or aircraft (either way round): a ship named after a person is not
# the person. "Li Bai" / vessel "LI BAI" 0.85 → 0.70 (3 of the tuning negatives' alerts).
TYPE_MISMATCH_CRAFT = -0.30
COUNTRY_MATCH = 0.04
COUNTRY_MISMATCH = -0.10
DOB_DAY_MATCH = 0.08
DOB_YEAR_MATCH = 0.04
# A birth year that contradicts every listed year is strong evidence of another person: a
# 0.95 name with another birth year falls to 0.70, under the threshold (nomenklatura logic-v2
# uses −0.15). One year off is an estimate or a calendar slip and costs little.
DOB_YEAR_MISMATCH = -0.25
DOB_NEAR_YEARS = 1
DOB_YEAR_NEAR = -0.05
DOB_DAY_MISMATCH = -0.05  # same year, different day
# A document that agrees (type or a compatible type, number and, where both give it, issuing
# country) lifts a name that already resembles the listed one, and counts as an agreeing
# qualifier (no thin-name cap); it never creates a match from an unrelated name: below
# IDENTIFIER_MIN_NAME_SCORE the agreement is shown and adds nothing ("Jane Doe" with a listed
# company's registration number stays 0). "Kim Sang-hun" ≈ "KIM Song Hun" (0.65) + the listed
# passport → 0.80.
IDENTIFIER_MIN_NAME_SCORE = 0.6
IDENTIFIER_MATCH_BONUS = 0.15
# Gender (UN list GENDER, OFAC Remarks "Gender Male"): half of all people share one, so an
# agreement adds nothing and confirms nothing (shown in the explanation only); a disagreement
# is real evidence against: "Kim Yo Jong" (female) screened as male drops 1.0 → 0.90, and a
# 0.85 name-only hit falls under the 0.80 threshold.
GENDER_MATCH = 0.0
GENDER_MISMATCH = -0.10

# --- population name frequency (prosper.names.frequency, prosper.matching.population) --------
# How common a token is among people (US Census 2010 surnames + 2020 first names, people per
# 100,000): in a person's name an *aligned* token borne by more than COMMON_TOKEN_PER_100K has
# its list weight divided by 1 + POPULATION_WEIGHT × log2(frequency / COMMON_TOKEN_PER_100K) —
# "smith" (830) ×0.48, "wayne" (74) ×0.63, "kim" (171) ×0.57; "jong" (1.9), "habbash" (absent)
# keep 1. A shared common word is weak evidence, a missing or conflicting word keeps its weight:
# "Ronald Mitchell" vs "George R. Mitchell" 0.82 → 0.76, "Kim Jong Un" vs "KIM Jong Il" 0.73 →
# 0.69, "Kim Jong Un" vs "KIM Jong Un" stays 1.0.
COMMON_TOKEN_PER_100K = 5.0
POPULATION_WEIGHT = 0.15
# ... only for a pair of words that agrees at least this much (a spelling variant, not a typo):
# "Paolo" / "Paola" (0.5, a gendered form) is a disagreement, and a common name there weighs
# in full against the score ("Paolo Conte" vs "Paola Conte" 0.77, not 0.84); a typo of a
# common name (0.75–0.8) keeps its weight too ("Jann" ~ "Jan" is not a shared "Jan").
POPULATION_MIN_AGREEMENT = 0.85
# The world's first names (prosper.names.frequency.world_given_names_table: per-country classes
# of Jörg Michael's first-name dictionary, the country where the name is most common) count at
# this share of their estimate where they say a token is more common than the US table does:
# "oleksandr" 1.2 → 2,000, "reza" 3.8 → 125, "fatemeh" 1.2 → 250 per 100,000, so "Reza Karimi"
# rests on "karimi" and "Oleksandr Bondar" / "Fatemeh Rahimi" ... on their surnames.
WORLD_GIVEN_NAME_SHARE = 1.0
# Surnames made from a father's first name (prosper.names.frequency.patronymic_surnames): from
# each first name borne by at least PATRONYMIC_GIVEN_MIN_PER_100K (world table), the surnames
# "ending:suffix" (the name loses the ending, takes the suffix) count as common at
# PATRONYMIC_SURNAME_SHARE × the first name: Russian / Turkic -ov -ev -ova -eva ("ivanov",
# "sergeev", "hasanov"), Ukrainian -enko ("petrenko", "ivanenko"), Persian -i -ei -zadeh -pour
# ("hosseini", "rezaei", "alizadeh", "hassanpour"). So "Sergey Ivanov" and "Reza Hosseini" are
# common names like "John Smith" (capped unless a date of birth agrees); "Ivanov" with a rare
# given name is not. The US table has no such surname above 1.3 per 100,000.
PATRONYMIC_SURNAMES = (
    ":ov :ova :ev :eva y:ev y:eva iy:ev iy:eva ii:ev o:enko :enko :i a:aei :zadeh :pour"
)
PATRONYMIC_SURNAME_SHARE = 0.1
# The world first names and patronymic surnames decide which names are common (the cap); they
# do not lower token weights (False): with them there, a common given name beside a surname
# spelt another way ("Tigran Oganesovich KHUDAVERDYAN" / "Tigran Chudaverdjan") weighed so
# little that 8 held-out alias pairs fell under the threshold (F1 0.837 → 0.833).
WORLD_NAMES_IN_WEIGHTS = False
PATRONYMIC_GIVEN_MIN_PER_100K = 125.0
# A person hit whose aligned words are all common ("John Smith" = "SMITH, John"; initials and
# particles aside) is capped just under the default threshold unless a date of birth or a
# document agrees: a country is no corroboration for a name millions bear. "Kim Jong Un"
# ("jong", "un" are rare) is never capped; a contradicting birth year still lowers. The cap is
# COMMON_NAME_CAP × the score (so capped hits keep their order: the exact listed name first).
# The hit is a person's when the list entry is a person or the query says it screens one: a
# customer "Lisa Martin" is not corroborated by an entry "LISA MARTIN" that a list files as an
# organisation or a vessel (the type mismatch alone, TYPE_MISMATCH, left 0.89).
COMMON_NAME_CAP = 0.79
# A Han-script query matched only through its Korean (Hanja) reading, when the query gives
# countries and none is Korea (True), is capped like a common name (HANJA_READING_CAP × the
# score) unless a date of birth or document agrees: each character has a Korean reading, so any
# Chinese name reads as some Korean one, and Korean names are few syllables — 李秀玲 of a TW
# customer read as 리수령 met "RI, Su Yong" at 0.95. Without countries (the recall sets) or with
# KR / KP the reading counts in full (金正恩 → "KIM Jong Un").
HANJA_READING_NEEDS_KOREA = True
HANJA_READING_CAP = 0.79
# A person's name read across Arabic script (one side Arabic / Persian / Urdu script, the other
# Latin) is compared by its written consonants only; when the words that agree write at most
# THIN_SKELETON_CONSONANTS consonants in all (articles aside), the consonants fit too many names
# in any language to alert on alone: ثنا معین (Sana Moein, "tn mn") = "Tian Min WU", هناء صيام
# ("hn sm") = "Hani SHAMMOUT", کيان صنایعی ("kn sn") = "Kan Chen", each 0.88 by the whole-name
# skeleton (5 of the tuning negatives' 35 Arabic-script alerts). Such a hit is capped at
# THIN_SKELETON_CAP like a thin name, unless a date of birth or document agrees (a country does
# not: 3 of those 5 were Iranian customers on Iranian entries). It is the abjad analogue of
# THIN_NAME_SYLLABLES; طارق عزيز ("trk z") / "TARIQ AZIZ" is capped too (3 of 144 tuning
# Arabic-script person pairs that reach the threshold by name).
THIN_SKELETON_CONSONANTS = 4
THIN_SKELETON_CAP = 0.79
# ... but only for a name of at most COMMON_NAME_MAX_WORDS aligned words (a given name and a
# surname): a full name of three or four words that are each common ("Roberto Carlos
# Garcia-Salazar", "Jose Luis Rodriguez") is borne by few people together, and an exact match of
# it on a list must alert. (A joint frequency, the product of the words' frequencies, would say
# the same but assumes the words independent, which given names and surnames of one language
# are not.)
COMMON_NAME_MAX_WORDS = 2
# ... and an aligned pair of words is common when the query's word is (True), however the list
# spells it: a customer "Kelly Smith" is one of many whatever the entry "Richard Kelly SMYTH"
# says (tuning negatives: 0.82 on an entry without a date of birth); a typo in the query
# ("Jonh Smith") is no common word, so typo queries keep their full score. Off (False), every
# aligned word on both sides must be common. (Either side's word being common was tried first:
# it capped the listed entity under typo queries of a common listed name — held-out
# typo / reorder top-1 0.9904 → 0.9877 — and was replaced by this rule.)
COMMON_NAME_QUERY_SPELLING = True
# A Persian (or Arabic) surname made of a name and the ending -i (ی / ي: محمدی Mohammadi,
# احمدی Ahmadi, حسینی Hosseini) is another name than the name it comes from: across Arabic
# script, where only consonants are compared, "mhmdy" and "Muhammad" share the skeleton "mhmd".
# With NISBA_ENDING on, a token ending in a consonant + i / y does not agree by consonants with
# a token ending in a consonant (h and w aside) — neither word by word nor in the whole-name
# skeleton — so محمدی ≠ "MUHAMMAD" and احمدی ≠ "Ahmad", while a final ی / ى that writes a long
# a (موسی Musa, مصطفی Mostafa, یحیی Yahya) still agrees with its Latin spelling, which ends in a
# vowel. (Tuning negatives: 5 of the 16 IR alerts of the s5-acc round were such a surname read
# as the given name.)
NISBA_ENDING = True
# Across Arabic script the consonants agree, but the long vowels the script writes must agree
# too (True): ا, و, ی between two consonants or at the end are ā, ū / ō, ī / ē, so احسان
# (Ehsan, "ahsan") is not "Hossein" (ā against "ei"), معصومه (Masoumeh, "mswmh") not "Maysam",
# زهرا (Zahra) not "Zawahiri", مهسا (Mahsa) not "Mahoso" — each "transliterated 0.88" before
# (the confirmation negatives' Arabic-script alerts of round 8 were mostly such pairs). Short
# vowels and ع, which the script does not write, are never compared
# (prosper.matching.skeleton.long_vowel_mismatch).
LONG_VOWEL_LETTERS = True
