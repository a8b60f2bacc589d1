"""Several documents printed as one: what the applicant collects at pickup (the
licenses, the one-code sheet, the decision notices) goes to the printer in one job, and
each is recorded as handed over on its own."""

from __future__ import annotations

import io
from collections.abc import Sequence

from hall.core.errors import ValidationError
from hall.core.i18n import _
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.documents import Document, DocumentRef, prepare_document


def prepare_again(ctx: AppContext, actor: Actor, document: Document) -> Document:
    """``document`` laid out again as it would be handed over next (a copy)."""
    if document.parts:
        return prepare_bundle(ctx, actor, document.parts, document.title)
    return prepare_document(ctx, actor, document.kind, document.number)


def prepare_bundle(
    ctx: AppContext, actor: Actor, refs: Sequence[DocumentRef], title: str
) -> Document:
    """Several documents as one PDF to print in one go, each laid out (and marked as a
    copy) as :func:`prepare_document` lays it out. Raises ``ValidationError`` for none."""
    if not refs:
        raise ValidationError(_("请至少选择一份文书。"))
    documents = [prepare_document(ctx, actor, ref.kind, ref.number) for ref in refs]
    if len(documents) == 1:
        return documents[0]
    from pypdf import PdfWriter

    writer = PdfWriter()
    for document in documents:
        writer.append(io.BytesIO(document.pdf))
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    first = documents[0]
    parts = tuple(DocumentRef(d.kind, d.number, d.title) for d in documents)
    copy = min(d.copy for d in documents)
    return Document(first.kind, first.number, title, out.getvalue(), copy, parts)
