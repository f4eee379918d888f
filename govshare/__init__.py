"""govshare — 政务信息资源共享交换平台."""

__version__ = "0.1.0"
