from odoo import Command


def make_surveys(env):
    """A scored CSAT survey (one question: 10, 5 or 0 points) and an NPS survey (a 0-10 scale)."""
    csat = env["survey.survey"].create(
        {
            "title": "How did we do?",
            "scoring_type": "scoring_without_answers",
            "question_and_page_ids": [
                Command.create(
                    {
                        "title": "Are you happy with the answer?",
                        "question_type": "simple_choice",
                        "suggested_answer_ids": [
                            Command.create({"value": "Very", "answer_score": 10}),
                            Command.create({"value": "Somewhat", "answer_score": 5}),
                            Command.create({"value": "Not at all", "answer_score": 0}),
                        ],
                    }
                )
            ],
        }
    )
    nps = env["survey.survey"].create(
        {
            "title": "Would you recommend us?",
            "question_and_page_ids": [
                Command.create(
                    {
                        "title": "How likely are you to recommend us (0-10)?",
                        "question_type": "scale",
                        "scale_min": 0,
                        "scale_max": 10,
                    }
                )
            ],
        }
    )
    return csat, nps


def submit(answer, value):
    """Answer the survey's first question as the participant does, then finish (core's API)."""
    question = answer.survey_id.question_ids[:1]
    if question.question_type == "simple_choice":
        value = question.suggested_answer_ids.filtered(lambda a: a.value == value).id
    answer._save_lines(question, str(value))
    answer._mark_done()
