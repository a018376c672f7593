{
    "name": "CRM Extended / Job Queue glue",
    "version": "18.0.1.0.0",
    "summary": "The suite's heavy recomputes run as chunked, retryable jobs of OCA's queue_job, "
    "shared by the job runners of several servers",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_extended",
        "queue_job",
    ],
    "data": [
        "data/queue_job_channel_data.xml",
    ],
    "installable": True,
    "auto_install": ["crm_extended", "queue_job"],
}
