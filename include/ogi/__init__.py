"""ogi: China's government information-disclosure annual reports, extracted, validated and published."""

__version__ = "0.1.0"
