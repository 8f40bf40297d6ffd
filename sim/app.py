"""``python -m sim.app [--host H] [--port P]``: the classroom app (:mod:`sim.apps.app`)."""

if __name__ == "__main__":
    from sim.apps.app import main

    main()
