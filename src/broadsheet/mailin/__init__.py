"""The mail-in door: an SMTP server (aiosmtpd) that turns mail to save+KEY@ into saves."""
