"""Staff: the blog, readers' comments, the newsletter and inquiries from the site."""

from clinicsite.staff.editorial import (  # noqa: F401
    blog,
    comments,
    inquiries,
    newsletter,
    newsletter_issues,
)
