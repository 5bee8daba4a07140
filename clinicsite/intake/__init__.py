"""The health intake a booking asks: questions per service (models/intake.py), what the
answers mean (answers.py: which questions are shown, what is stored, which therapist
training an answer needs) and the questions and consent texts in the database
(questions.py)."""
