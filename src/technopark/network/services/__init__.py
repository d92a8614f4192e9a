"""Every write of the network app, one module per part: ``profiles`` (profiles, needs,
bookmarks), ``intros`` (double opt-in introductions), ``pairings`` (mentoring pairs, opened
under the mentor's capacity), ``mentoring`` (sessions, ratings, the fit question) and
``matching`` (weights, batch-matching runs). Import the part: ``from technopark.network.services
import pairings``."""
