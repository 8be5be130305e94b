"""``python -m hipscreen`` runs the command line."""

from hipscreen.cli import main

if __name__ == "__main__":
    main()
