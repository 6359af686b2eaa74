"""Who buys GPU time at the hub: tenants, their users and the names they give their jobs.

The names are invented. Some users and job names are non-ASCII or right-to-left (Arabic),
and one job name carries HTML, so every view downstream has to escape and shape text.
"""

from __future__ import annotations

from typing import NamedTuple


class Tenant(NamedTuple):
    """A customer organisation: name, kind, ISO country code, users, and its job-name themes."""

    name: str
    kind: str  # research | startup | enterprise
    country: str
    users: tuple[str, ...]
    themes: tuple[str, ...]


# fmt: off
TENANTS: tuple[Tenant, ...] = (
    # Morocco
    Tenant("Université Abdelmalek Essaâdi — AI Lab", "research", "MA",
           ("y.elamrani", "s.benjelloun", "يوسف.العلمي", "kaoutar.t"), ("darija", "asr", "ocr")),
    Tenant("Tamuda Bay Research Institute", "research", "MA",
           ("h.ouazzani", "m.chraibi", "nadia.f"), ("climate", "ocean", "llm")),
    Tenant("Ifrane Computational Biology Group", "research", "MA",
           ("a.lahlou", "omar.k"), ("protein", "genomics")),
    Tenant("Rabat School of Data Science", "research", "MA",
           ("z.alaoui", "r.berrada", "إيمان.بنعلي"), ("llm", "vision")),
    Tenant("Darija NLP Collective", "startup", "MA",
           ("anas", "hiba.m", "سلمى"), ("darija", "llm", "tts")),
    Tenant("Atlas Vision Systems", "startup", "MA", ("karim.e", "layla.s"), ("vision", "video")),
    Tenant("Sahara Solar Analytics", "startup", "MA", ("m.idrissi", "fz.nasri"), ("forecast",)),
    Tenant("Casablanca Fintech Models", "enterprise", "MA",
           ("svc-risk", "t.bennani", "g.sefrioui"), ("risk", "llm")),
    Tenant("Maghreb Telecom AI", "enterprise", "MA",
           ("svc-noc", "a.tazi", "خالد.المنصوري"), ("asr", "llm", "forecast")),
    Tenant("Office Chérifien Agritech", "enterprise", "MA", ("svc-agri", "b.kettani"),
           ("vision", "forecast")),
    Tenant("Tanger Med Logistics AI", "enterprise", "MA", ("svc-ops", "n.zerouali"),
           ("forecast", "vision")),
    # United States
    Tenant("Bayview AI Research", "research", "US", ("jchen", "mgarcia", "psmith"),
           ("llm", "rl")),
    Tenant("Great Lakes Vision Lab", "research", "US", ("akowalski", "dnguyen"),
           ("vision", "video")),
    Tenant("Redwood Protein Design", "startup", "US", ("lwu", "rpatel", "zoë.m"),
           ("protein", "diffusion")),
    Tenant("Cascade Robotics", "startup", "US", ("tbaker", "eolsen"), ("rl", "vision")),
    Tenant("Lone Star Foundation Models", "startup", "US", ("cwright", "svc-train", "jdoe"),
           ("llm", "moe")),
    Tenant("Hudson Quant Labs", "enterprise", "US", ("svc-quant", "kbrooks"),
           ("forecast", "risk")),
    Tenant("Pinecrest Health AI", "enterprise", "US", ("svc-imaging", "amorales"),
           ("imaging", "llm")),
    Tenant("Boulder Climate AI", "research", "US", ("hjensen", "mortiz"), ("climate",)),
    Tenant("Meridian Media Generative", "enterprise", "US", ("svc-gen", "ljames"),
           ("diffusion", "video")),
    # elsewhere
    Tenant("Lumière IA", "startup", "FR", ("émilie.r", "t.dubois", "françois.l"),
           ("llm", "diffusion")),
    Tenant("Institut Méditerranéen d'Apprentissage", "research", "FR",
           ("c.martin", "hélène.g"), ("llm", "climate")),
    Tenant("Rheinwerk KI GmbH", "enterprise", "DE", ("j.müller", "svc-rw", "k.schäfer"),
           ("vision", "forecast")),
    Tenant("Kieler Meeresforschung KI", "research", "DE", ("b.hoffmann", "jörg.w"),
           ("ocean", "climate")),
    Tenant("Lagos Speech Technologies", "startup", "NG", ("chidi.o", "adaeze", "tunde.b"),
           ("asr", "tts")),
    Tenant("Yoruba NLP Lab", "research", "NG", ("folake.a", "segun.o"), ("llm", "asr")),
    Tenant("Gulf Horizon Analytics", "enterprise", "AE", ("svc-gh", "عائشة.الحمادي"),
           ("llm", "forecast")),
    Tenant("Dunes Robotics", "startup", "AE", ("r.khan", "m.alhashimi"), ("rl", "vision")),
    Tenant("Deccan Language AI", "startup", "IN", ("arjun.r", "priya.s", "vikram.n"),
           ("llm", "asr")),
    Tenant("Bengaluru Vision Systems", "enterprise", "IN", ("svc-bvs", "k.iyer"),
           ("vision", "video")),
    Tenant("Thames Robotics", "startup", "GB", ("oliver.h", "amelia.c"), ("rl", "vision")),
    Tenant("Fenland Bio-AI", "research", "GB", ("r.evans", "s.oconnor"),
           ("protein", "genomics")),
    Tenant("Andalucía Solar Analytics", "startup", "ES", ("jose.g", "lucía.f"),
           ("forecast",)),
    Tenant("Nairobi AgriVision", "startup", "KE", ("wanjiru.k", "otieno"), ("vision",)),
    Tenant("Dakar Language Lab", "research", "SN", ("a.diop", "fatou.s"), ("asr", "llm")),
    Tenant("Nile Delta Imaging", "research", "EG", ("m.hassan", "منى.سعيد"), ("imaging",)),
    Tenant("Tunis Sensing", "startup", "TN", ("s.trabelsi", "amine.b"), ("vision",)),
    Tenant("Kyoto Materials AI", "research", "JP", ("tanaka.h", "sato.y"),
           ("materials", "diffusion")),
    Tenant("São Paulo Language Models", "startup", "BR", ("joão.s", "beatriz.c"), ("llm",)),
    Tenant("Nordic Wind Forecasting", "enterprise", "DK", ("svc-nwf", "søren.k"),
           ("forecast", "climate")),
)

THEME_NAMES: dict[str, tuple[str, ...]] = {
    "darija": ("darija-asr-ft", "darija-llm-sft", "تدريب-الدارجة", "darija-mt-eval"),
    "asr": ("whisper-ft", "asr-conformer", "speech-align", "asr-eval-wer"),
    "tts": ("tts-vits", "tts-voice-clone", "prosody-ft"),
    "ocr": ("arabic-ocr", "manuscript-htr", "ocr-layout"),
    "llm": ("pretrain-7b", "sft-13b", "dpo-70b", "eval-harness", "rlhf-ppo", "tokenizer-ar-fr",
            "long-ctx-128k", "distill-3b", "entraînement-modèle", "<b>x</b><img src=y>"),
    "moe": ("pretrain-moe-64x", "moe-router-ablate", "moe-sft"),
    "vision": ("vit-l-pretrain", "detr-ft", "seg-anything-ft", "crop-yield-seg"),
    "video": ("video-diffusion", "video-caption", "action-recog"),
    "diffusion": ("sdxl-ft", "dit-xl-train", "latent-diff-eval"),
    "protein": ("af-multimer", "protein-lm", "binder-design", "esm-ft"),
    "genomics": ("genome-lm", "variant-call-dl", "scrna-embed"),
    "climate": ("era5-downscale", "graphcast-ft", "climate-emulator"),
    "ocean": ("ocean-forecast", "sst-nowcast", "wave-model"),
    "forecast": ("load-forecast", "wind-nowcast", "demand-forecast", "pv-forecast"),
    "risk": ("credit-risk-gbm", "fraud-gnn", "var-montecarlo"),
    "rl": ("ppo-locomotion", "sim2real-grasp", "offline-rl"),
    "imaging": ("ct-segment", "mri-recon", "pathology-mil"),
    "materials": ("crystal-gnn", "mlff-train"),
}
# fmt: on
