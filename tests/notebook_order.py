"""A pytest plugin that fails a notebook cell run out of order or apart from its notebook's earlier cells.

nbval runs each notebook in one kernel, cell after cell: a cell that runs in another process
(another pytest-xdist worker) meets a fresh kernel without the setup cell's imports. The suite
keeps a notebook in one worker with ``--dist loadscope`` (xdist's public scheduling: one module,
or one notebook file, per worker). This plugin checks that it really happened, in every process:
a cell fails at setup unless every earlier cell of its notebook that this session selected has
already run in this same process. Registered by the root conftest.py.
"""

import pytest

_RAN = set()  # node ids of the notebook cells this process has started


def _earlier_cells(item):
    """The selected cells of item's notebook that come before it, in collection order."""
    earlier = []
    for other in item.session.items:
        if other is item:
            return earlier
        if other.path == item.path and hasattr(other, "cell_num"):
            earlier.append(other)
    return earlier


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if item.path.suffix != ".ipynb" or not hasattr(item, "cell_num"):
        return
    missing = [other.name for other in _earlier_cells(item) if other.nodeid not in _RAN]
    _RAN.add(item.nodeid)
    if missing:
        pytest.fail(f"{item.nodeid} ran in a process that did not run the notebook's earlier cells "
                    f"({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''}): a notebook's cells must "
                    "run in order in one kernel. Run the notebooks with `-n N --dist loadscope` (or without "
                    "pytest-xdist), not with a scheduling that spreads one file over several workers.",
                    pytrace=False)
