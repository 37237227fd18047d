"""The figures page's choice of period."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members import terms

from ..figures import term_label


class FiguresForm(forms.Form):
    """Which period the figures are of, from the query string (?year=2026&term=autumn).
    A missing value means the current one; with a wrong one the form is invalid and the
    page shows the current term."""

    FIRST_YEAR = 2000

    year = forms.IntegerField(
        label=_("Academic year"),
        required=False,
        min_value=FIRST_YEAR,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        help_text=_("2026 is 2026/27."),
    )
    term = forms.ChoiceField(label=_("Term"), required=False, widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = terms.current_term(today=today)
        self.fields["year"].max_value = self.current.year
        self.fields["year"].validators.append(MaxValueValidator(self.current.year))
        self.fields["year"].widget.attrs.update(min=self.FIRST_YEAR, max=self.current.year)
        self.fields["year"].initial = self.current.year
        self.fields["term"].initial = self.current.term
        self.fields["term"].choices = [
            *((name, term_label(name)) for name in terms.term_names()),
            (terms.WHOLE_YEAR, gettext("Whole year")),
        ]

    def period(self) -> terms.Period:
        """The period asked for; the current term when the form is invalid."""
        if not self.is_valid():
            return self.current
        year = self.cleaned_data["year"] or self.current.year
        return terms.period(year=year, term=self.cleaned_data["term"] or self.current.term)
