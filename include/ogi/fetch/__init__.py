"""Getting report bytes: safe HTTP with retries and conditional GET, discovery from listing pages, the archive."""
