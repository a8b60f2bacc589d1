"""The offline story: a counter works on its own SQLite file; its outbox is pushed to the
hall server when it answers, and what others did is pulled by change cursor.
``rules`` says which table lives where."""
