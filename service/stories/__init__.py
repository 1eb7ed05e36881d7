"""Story grouping: which story an article joins (one story, one alert).

In: a stored article (link, guid, title, summary, publication time, outlet).
Out: the id of an existing story it reports, or a new story. The decision is made in one
place, `decide.py`; `place.py` feeds it candidates from the store's index over the window.
"""
