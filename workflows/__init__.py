"""Prefect flows that drive tenderflow's procurement timetable, bid rounds and documents."""
