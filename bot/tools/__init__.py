"""MCP clients and the tool-call loop: the model calls tools on MCP servers the operator chose.

config.py reads MCP_CONFIG; connection.py keeps one server's session up; servers.py holds them
all and names their tools for the model; calls.py, results.py and specs.py are the pure rules
(assembling streamed calls, arguments, results, names); loop.py runs the rounds between the
backend and the delivery and yields events.py's display events. Importing this package imports
nothing heavy: the SDK loads with servers.py (about a second), so import that only when
MCP_CONFIG is set; loop.py does not need it.
"""
