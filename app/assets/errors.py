from __future__ import annotations

from app.core.errors import CourzlyError


class AssetTooLarge(CourzlyError):
    status_code = 413
    error = "asset_too_large"
    default_detail = "The image is larger than the limit."


class CourseAssetsFull(CourzlyError):
    status_code = 413
    error = "course_assets_full"
    default_detail = "The course's images would exceed the course's limit."


class AssetTypeRefused(CourzlyError):
    status_code = 415
    error = "asset_type_unsupported"
    default_detail = "Only PNG, JPEG, GIF and WebP images can be course assets."


class AssetUnreadable(CourzlyError):
    status_code = 422
    error = "asset_unreadable"
    default_detail = "The file could not be read as an image."


class AssetNotFound(CourzlyError):
    status_code = 404
    error = "asset_not_found"
    default_detail = "No such asset in this course."


class AssetInUse(CourzlyError):
    status_code = 409
    error = "asset_in_use"
    default_detail = "Lessons still show this image; remove it from them first."
