"""The bot's sentences, one module per language (`TEXTS`: key -> sentence); en.py is the
reference every other language follows. bot/texts.py picks and fills them; audit.py checks them."""
