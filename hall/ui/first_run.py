"""The first start on an empty database: a wizard that asks the language, the hall and
this counter, whether the counter works alone or with a hall server, then (alone) the
administrator's password, and the passphrase of the key file where there is no OS
keyring. Its last page does the work in the background and ends at sign-in.

A counter of a hall server takes its accounts from the server: the wizard only saves
the server's address (and password, in the secret store); the program then joins it
(:class:`hall.ui.join_dialog.JoinServerDialog`)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget, QWizard

from hall.core.i18n import _, current_language
from hall.services.context import AppContext
from hall.services.secrets import uses_file_store
from hall.ui.first_run_pages import (
    AdminPage,
    FinishPage,
    HallPage,
    KeyPage,
    ModePage,
    Page,
    WelcomePage,
)


class FirstRunWizard(QWizard):
    #: ``exec()``'s result when another language was chosen: start again in it.
    LANGUAGE_CHANGED = 2

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.language = current_language()
        self.needs_passphrase = uses_file_store(ctx.paths, ctx.settings.secret_store)
        self.setWindowTitle(_("首次使用 — 一窗受理"))
        self.setObjectName("firstRunWizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.setButtonText(QWizard.WizardButton.NextButton, _("下一步(&N) >"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("< 上一步(&B)"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("退出"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("去登录"))
        self.setButtonText(QWizard.WizardButton.CommitButton, _("创建"))
        # The pages hold no reference to the wizard (they ask Qt for it): a cycle would
        # leave the wizard to the garbage collector, which may run on a worker thread.
        self.welcome = WelcomePage(self.language)
        self.welcome.language_chosen.connect(self.choose_language)
        self.hall = HallPage(ctx)
        self.mode = ModePage(ctx)
        self.admin = AdminPage()
        self.key = KeyPage(self.needs_passphrase)
        self.finish = FinishPage()
        for page_id, page in (
            (Page.welcome, self.welcome),
            (Page.hall, self.hall),
            (Page.mode, self.mode),
            (Page.admin, self.admin),
            (Page.key, self.key),
            (Page.finish, self.finish),
        ):
            self.setPage(page_id, page)
        self.setStartId(Page.welcome)
        self.setMinimumSize(620, 460)

    @property
    def joins_server(self) -> bool:
        """Whether this counter was set to work with a hall server (join it next)."""
        return self.mode.joins_server

    def choose_language(self, language: str) -> None:
        """Close, to be opened again in ``language`` (see :attr:`LANGUAGE_CHANGED`)."""
        self.language = language
        self.done(self.LANGUAGE_CHANGED)
