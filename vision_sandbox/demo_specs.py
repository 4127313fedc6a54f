"""The demo's scanners: names, types, configs (one per version), creators and volumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoScanner:
    """One demo scanner: its fields, history and how many observations it gets."""

    name: str
    scanner_type: str
    configs: list[dict[str, Any]]
    creator: int
    observations: int
    description: str = ""
    enabled: bool = True
    emits_signals: bool = False
    sampling_rate: float = 1.0
    model: str = "gemini-3-flash-preview"
    query: dict[str, Any] = field(default_factory=dict)
    age_days: int = 32


def demo_scanners() -> list[DemoScanner]:
    checkout = "Did the user run into trouble while trying to pay at checkout?"
    return [
        DemoScanner(
            "Checkout friction",
            "monitor",
            [
                {"prompt": checkout},
                {
                    "prompt": checkout + " Count slow payment forms as trouble.",
                    "allow_inconclusive": True,
                },
                {
                    "prompt": checkout + " Count slow payment forms and declined cards as trouble.",
                    "allow_inconclusive": True,
                },
            ],
            creator=1,
            sampling_rate=0.15,
            observations=600,
            description="Flags sessions where paying looked painful.",
        ),
        DemoScanner(
            "Rage clicks",
            "monitor",
            [{"prompt": "Did the user click the same element repeatedly out of frustration?"}],
            creator=2,
            sampling_rate=0.1,
            observations=380,
            emits_signals=True,
            query={"filter_test_accounts": True},
        ),
        DemoScanner(
            "Session intent",
            "classifier",
            [
                {
                    "prompt": "What was the user trying to do in this session?",
                    "tags": [
                        "browsing",
                        "Comparing prices",
                        "checkout",
                        "Support request",
                        "bug encountered",
                    ],
                    "multi_label": True,
                    "allow_freeform_tags": True,
                }
            ],
            creator=3,
            sampling_rate=0.1,
            observations=450,
            description="Why people come to the site.",
        ),
        DemoScanner(
            "Onboarding outcome",
            "classifier",
            [
                {
                    "prompt": "How did the user's onboarding end?",
                    "tags": ["completed", "abandoned", "confused"],
                    "multi_label": False,
                }
            ],
            creator=1,
            observations=120,
            sampling_rate=0.03,
            model="gemini-3.1-flash-lite-preview",
        ),
        DemoScanner(
            "UX quality",
            "scorer",
            [
                {
                    "prompt": "Rate how smooth this session felt for the user.",
                    "scale": {"min": 1, "max": 10, "label": "UX quality"},
                }
            ],
            creator=2,
            sampling_rate=0.1,
            observations=420,
        ),
        DemoScanner(
            "Session summaries",
            "summarizer",
            [{"prompt": "Summarise what happened in this session.", "length": "medium"}],
            creator=3,
            observations=260,
            sampling_rate=0.05,
        ),
        DemoScanner(
            "Legacy error watcher",
            "monitor",
            [{"prompt": "Did a JavaScript error visibly break the page?"}],
            creator=1,
            sampling_rate=0.05,
            observations=140,
            enabled=False,
            model="gemini-3.1-flash-lite-preview",
            description="Replaced by Checkout friction; kept for its history.",
        ),
        DemoScanner(
            "Pricing page confusion",
            "scorer",
            [
                {
                    "prompt": "How confused did the user seem on the pricing page? 0 = not at all.",
                    "scale": {"min": 0, "max": 100},
                }
            ],
            creator=2,
            sampling_rate=0.4,
            observations=60,
            query={
                "properties": [
                    {
                        "key": "$current_url",
                        "type": "event",
                        "operator": "icontains",
                        "value": "pricing",
                    }
                ]
            },
            age_days=12,
        ),
    ]


def other_scanners() -> list[DemoScanner]:
    return [
        DemoScanner(
            "Other project monitor",
            "monitor",
            [{"prompt": "Did the user sign up?"}],
            creator=4,
            observations=80,
        ),
        DemoScanner(
            "Other project summaries",
            "summarizer",
            [{"prompt": "Summarise the session.", "length": "short"}],
            creator=4,
            observations=40,
        ),
    ]
