"""The command line's commands, one module each (`wirewatch NAME` runs `NAME.run(args)`).

Thin: parse what argparse gave, call one function of a stage, print, return the exit status.
A command imports only what it needs, so `wirewatch check` does not load the poller.
"""
