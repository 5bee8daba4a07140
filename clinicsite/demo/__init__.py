"""The fictional demo clinic: content as data files in `content/`, read by `content.py`,
and loaded into the database by `seed.load_demo` (`flask seed-demo`)."""

from clinicsite.demo.seed import DEMO_ADMIN_EMAIL, DEMO_STAFF_PASSWORD, load_demo

__all__ = ["DEMO_ADMIN_EMAIL", "DEMO_STAFF_PASSWORD", "load_demo"]
