"""Outside calendars: a therapist's private iCalendar address (Google, Apple, Outlook), read
by `flask calendars sync`, whose busy times keep online booking away from those hours.

addresses (check and mask an address), fetching (one careful HTTP GET), parsing (an .ics
file to busy spans over a window), sync (fetch, parse, replace the busy rows), busy (the
rows read back for availability and for the check under the therapist's lock).
"""
