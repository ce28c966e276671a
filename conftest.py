"""Root pytest configuration: it also governs the kernels nbval starts for solutions/."""

import os

from coursekit.threads import thread_environment

# nbval's kernels inherit this process's environment; give them the same settings
# as `coursekit execute`, which stored the outputs they are compared with.
os.environ.update(thread_environment())
