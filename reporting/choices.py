from django.db import models


class JobStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    READY = "ready", "Prêt"
    FAILED = "failed", "Échec"
