from __future__ import annotations

from typing import Any

from django import forms

from provision_ledger.people.models import LocalAuthority, School


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What will use this token", max_length=100, help_text='For example "Arbor MIS sync" or "SALT service"'
    )
    reach = forms.ChoiceField(label="Records it reaches", widget=forms.RadioSelect)

    def __init__(self, *args: Any, schools: list[School], authorities: list[LocalAuthority], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets: dict[str, School | LocalAuthority] = {f"school-{s.pk}": s for s in schools}
        self.targets |= {f"la-{la.pk}": la for la in authorities}
        reach = self.fields["reach"]
        assert isinstance(reach, forms.ChoiceField)
        reach.choices = [
            (key, f"{target.name}: {'read and record sessions' if isinstance(target, School) else 'read only'}")
            for key, target in self.targets.items()
        ]
        if len(self.targets) == 1:
            reach.initial = next(iter(self.targets))

    def target(self) -> School | LocalAuthority:
        return self.targets[self.cleaned_data["reach"]]
