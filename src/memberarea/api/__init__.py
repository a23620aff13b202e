"""The versioned JSON API (/api/v1) for the insurer's mobile app; routers per area."""
