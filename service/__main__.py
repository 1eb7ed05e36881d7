from service.cli import main

# Guarded: the parse sandbox's child processes import the main module again.
if __name__ == "__main__":
    raise SystemExit(main())
