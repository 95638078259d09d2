"""The API's routers, one per area; each is thin: parse → call the backend → shape."""
