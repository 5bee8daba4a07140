from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        render_kw={"autocomplete": "username"},
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        validators=[DataRequired("Please enter your email."), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        render_kw={"autocomplete": "current-password"},
        validators=[DataRequired("Please enter your password."), Length(max=200)],
    )
