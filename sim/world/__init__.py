"""The world built once at the start: random streams, places, activities, the users, the organisation's decisions."""
