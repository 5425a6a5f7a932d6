"""pytest set-up shared by the unit tests and the nbval run of the notebooks."""


def pytest_collectstart(collector):
    # Warnings on stderr carry temporary paths and library versions, not methodology.
    if getattr(collector, "path", None) is not None and collector.path.suffix == ".ipynb":
        collector.skip_compare += ("stderr",)
