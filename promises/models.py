"""The tables of what staff write: promises, their indicators and actions, and the change log. Nothing about
residents is stored here; the change log names the staff member who made each change (staff/auth.py's user).

The survey's numbers are never stored: an indicator names a view (question, area, group filter, baseline wave)
and its follow-up is computed from the current build when it is shown (promises/followup.py).
"""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUSES = ("planerad", "pagar", "genomford", "installd")  # planned, in progress, done, cancelled


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)  # stored as UTC without zone (SQLite has none)


class Base(DeclarativeBase):
    pass


class Promise(Base):
    __tablename__ = "promise"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    parties: Mapped[list] = mapped_column(sa.JSON, default=list)   # ["Älvdalens kommun", "Polisen", ...]
    areas: Mapped[list] = mapped_column(sa.JSON, default=list)     # ["distrikt:...", "kommun:2039"]
    period_start: Mapped[str] = mapped_column(sa.String(10), default="")  # ISO date
    period_end: Mapped[str] = mapped_column(sa.String(10), default="")
    problems: Mapped[list] = mapped_column(sa.JSON, default=list)  # question ids of the codebook
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=now, onupdate=now)
    indicators: Mapped[list[Indicator]] = relationship(back_populates="promise", cascade="all, delete-orphan",
                                                       order_by="Indicator.id")
    actions: Mapped[list[Action]] = relationship(back_populates="promise", cascade="all, delete-orphan",
                                                 order_by="Action.id")
    __mapper_args__ = {"version_id_col": version}


class Indicator(Base):
    __tablename__ = "indicator"
    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(sa.ForeignKey("promise.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(sa.String(100))   # a question or index id of the codebook
    level: Mapped[str] = mapped_column(sa.String(50))
    area_id: Mapped[str] = mapped_column(sa.String(100))
    filters: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {group id: option code}
    baseline_wave: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=now)
    promise: Mapped[Promise] = relationship(back_populates="indicators")


class Action(Base):
    __tablename__ = "action"
    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(sa.ForeignKey("promise.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(sa.String(300))
    who: Mapped[str] = mapped_column(sa.String(200), default="")
    when: Mapped[str] = mapped_column(sa.String(100), default="")  # "v. 12–20", "2027-05", free text
    status: Mapped[str] = mapped_column(sa.String(20), default="planerad")
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=now, onupdate=now)
    promise: Mapped[Promise] = relationship(back_populates="actions")
    __mapper_args__ = {"version_id_col": version}


class Change(Base):
    """One change by one staff member: `what` a kind ("created", "edited", "action_status", ...), `detail` the
    fields changed ({field: [before, after]}) or what was added."""
    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(sa.Integer, index=True)  # no foreign key: kept in order until deleted
    at: Mapped[datetime] = mapped_column(sa.DateTime, default=now)
    who: Mapped[str] = mapped_column(sa.String(200))
    what: Mapped[str] = mapped_column(sa.String(50))
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)


class ReportText(Base):
    """A part of the lägesbild that staff write (what the survey cannot say), by section key."""
    __tablename__ = "report_text"
    key: Mapped[str] = mapped_column(sa.String(50), primary_key=True)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=now, onupdate=now)
    updated_by: Mapped[str] = mapped_column(sa.String(200), default="")
    __mapper_args__ = {"version_id_col": version}
