"""Staff: the blog, readers' comments, the newsletter and inquiries from the site."""

from clinicsite.staff.editorial import blog, comments, inquiries, newsletter  # noqa: F401
