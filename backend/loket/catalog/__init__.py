"""Product and service catalog, LPDC-style: validation, storage, search and relevance, the API,
import/export and the demo catalog."""
