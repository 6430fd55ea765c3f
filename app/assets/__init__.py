"""Course assets: the images lessons show, uploaded by authors and carried by every export."""
