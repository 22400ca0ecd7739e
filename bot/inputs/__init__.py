"""What users send beyond text, made into a question: voice and audio become a transcript,
documents become text the model reads. Each part is standalone (bytes in, text or a typed
`InputError` out), so handlers stay thin and tests need no Telegram."""
