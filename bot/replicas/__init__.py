"""Several bot processes acting as one, on Redis (REDIS_URL): shared conversations, updates
handed out by chat so each chat is answered by one process at a time, in order, and taken
over when a process dies; shared rate limits and de-duplication."""
