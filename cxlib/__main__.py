from cxlib.cli import main

raise SystemExit(main())
