// Held-out documents: written after the detector changes were tuned on the rest of the corpus, and
// not tuned on afterwards. Formats here were chosen to be realistic, not to be ones the detectors
// handle (some they do not). Reported as their own row; same markup as handwritten.ts.
import type { HandwrittenDoc } from './handwritten.js';

export const HOLDOUT: readonly HandwrittenDoc[] = [
  {
    lang: 'en',
    genre: 'ticket',
    text: `Hi, it's ((Rachel Moore)) from accounts payable. Our main line is {{phone|+1 (503) 555-0199 ext. 214}}... sorry, just {{phone|503-555-0199}} works too.
The card we used was {{credit_card|4000 0566 5566 5556}}, billing zip 97205. Order [[credit_card:order_number|112-9924415-3301948]].
Please reply to {{email|r.moore@pacific-supply.com}} or {{email|ap-team@pacific-supply.com}}.`,
  },
  {
    lang: 'it',
    genre: 'email',
    text: `Buongiorno,
sono ((Giulia Romano)). Il mio cellulare è {{phone|+39 347 123 4567}}, ufficio {{phone|06 6988 1234}}.
Per il rimborso usate l'IBAN {{iban|IT60 X054 2811 1010 0000 0123 456}}.
Ordine n. [[phone:order_number|2024-IT-009921]] del [[phone:date|12/02/2024]].
Grazie, {{email|giulia.romano@libero.it}}`,
  },
  {
    lang: 'nl',
    genre: 'chat',
    text: `((Sanne)): mijn nieuwe nummer is {{phone|06-12345678}} 📱
((Daan)): top, en je IBAN? Voor de tikkie
((Sanne)): {{iban|NL91 ABNA 0417 1643 00}}
((Daan)): thx! pakket heeft trackingcode [[phone:tracking_number|3SABCD1234567]]`,
  },
  {
    lang: 'pl',
    genre: 'ticket',
    text: `Dzień dobry, proszę o kontakt pod numerem {{phone|+48 601 234 567}} lub mailowo {{email|jan.kowalski@wp.pl}}.
Numer zamówienia: [[phone:order_number|ZAM/2024/03/1187]]. Konto do zwrotu: {{iban|PL61 1090 1014 0000 0712 1981 2874}}.`,
  },
  {
    lang: 'ko',
    genre: 'chat',
    text: `((김민수)): 제 번호는 {{phone|010-1234-5678}}이에요
((이서연)): 네 확인했습니다. 이메일은 {{email|seoyeon.lee@naver.com}} 맞으시죠?
((김민수)): 네 😊 주문번호는 [[phone:order_number|20240315-0001234]]입니다`,
  },
  {
    lang: 'en',
    genre: 'log',
    text: `Mar 14 02:11:09 bastion sshd[22817]: Accepted publickey for deploy from {{ipv4|203.0.113.45}} port 52814 ssh2: RSA SHA256:[[api_key:hex_hash|Xh3kZ9pQ2mV7rT1nB8cL4dF6gH0jK5sA]]
Mar 14 02:11:12 bastion sshd[22817]: pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)
Mar 14 02:13:40 web-3 nginx: {{ipv6|2001:db8:1f70::999:de8:7648:6e8}} - - [14/Mar/2024:02:13:40 +0000] "GET /api/v2/users/[[phone:uuid|7f1d2c3b-4a5e-4f60-8b9c-0d1e2f3a4b5c]] HTTP/2.0" 200 512
Mar 14 02:13:41 web-3 app[4411]: user {{email|ops.alerts@acmecorp.io}} reset password from {{ipv4|198.51.100.201}}`,
  },
  {
    lang: 'en',
    genre: 'json',
    text: `{"event":"checkout.failed","ts":"[[ipv6:timestamp|2024-03-14T09:21:07.332Z]]","user":{"id":88123,"email":"{{email|maria.gonzalez92@hotmail.com}}","phone":"{{phone|+1 786 555 0142}}"},"payment":{"last4":"4242","bin":"424242","token":"tok_1OqXyZ2eZvKYlo2C"},"client":{"ip":"{{ipv4|73.158.22.190}}","ua":"[[ipv4:version|Mozilla/5.0 Edg/122.0.0.0]]"}}`,
  },
  {
    lang: 'de',
    genre: 'ticket',
    text: `Hallo,
meine neue Anschrift: ((Lindenstraße 12, 10969 Berlin)). Telefon tagsüber {{phone|+49 (30) 2345678}}, abends {{phone|0157 38291045}}.
Die Rechnung [[phone:order_number|RE-2024-0815]] habe ich am [[phone:date|01.03.2024]] per Karte {{credit_card|5500 0000 0000 0004}} bezahlt.
Steuer-ID weiß ich nicht auswendig. Grüße, ((Thomas Becker))`,
  },
  {
    lang: 'fr',
    genre: 'chat',
    text: `((Léa)) : tu peux m'appeler au {{phone|07 81 23 45 67}} ?
((Nathan)) : ok, et le wifi c'est quoi l'IP du routeur ? {{ipv4|192.168.1.254}} ?
((Léa)) : oui. le mot de passe est dans le drive, pas ici 😅`,
  },
  {
    lang: 'es',
    genre: 'email',
    text: `De: ((Carlos Herrera)) <{{email|c.herrera@grupo-herrera.com.mx}}>
Asunto: datos de facturación

Hola, les paso mis datos:
RFC: HECC800101ABC
Tel: {{phone|+52 1 55 1234 5678}}
Tarjeta: {{credit_card|4152 3135 9876 5431}}
Saludos`,
  },
  {
    lang: 'en',
    genre: 'code',
    text: `# settings.py
DATABASES = {
    "default": dj_database_url.parse("{{url_credentials|postgres://django:hunter2Xq9v@prod-db.cluster-c9akciq32.eu-central-1.rds.amazonaws.com:5432}}/app"),
}
ANTHROPIC_API_KEY = os.environ.get("ANTHROPIC_API_KEY", "{{api_key}}")
SENTRY_DSN = "https://[[api_key:hex_hash|9f2a7c1e5b8d4f3a6c0e1b2d3f4a5b6c]]@o450123.ingest.sentry.io/5567890"
ALLOWED_HOSTS = ["{{ipv4|10.0.12.7}}", "app.acme.io"]
# oauth state example: ?state=[[jwt:jwt_like|eyJyZXR1cm5UbyI6Ii9kYXNoYm9hcmQiLCJub25jZSI6IjhmM2EifQ]]`,
  },
  {
    lang: 'en',
    genre: 'yaml',
    text: `# docker-compose.yml
services:
  worker:
    image: ghcr.io/acme/worker:[[phone:version|2.31.4]]
    environment:
      - CELERY_BROKER_URL={{url_credentials|amqp://celery:Zx81mPq2LrTv@rabbit:5672}}//
      - AWS_ACCESS_KEY_ID={{api_key|AKIA2E0A8F3B4C5D6E7F}}
      - SLACK_TOKEN={{api_key}}
    extra_hosts:
      - "db:{{ipv4|172.18.0.5}}"
      - "db6:{{ipv6|fd12:3456:789a:1::5}}"`,
  },
  {
    lang: 'ja',
    genre: 'email',
    text: `差出人: ((山田一郎)) <{{email|ichiro.yamada@example-shoji.co.jp}}>
件名: 振込先の変更

いつもお世話になっております。
振込先を以下に変更いたします。
IBAN: {{iban|DE44 5001 0517 5407 3249 31}}
ご不明点は{{phone|03-3456-7890}}（代表）または携帯{{phone|080-9876-5432}}までご連絡ください。`,
  },
  {
    lang: 'zh',
    genre: 'ticket',
    text: `客户((陈静))反馈：手机号{{phone|+86 186 1234 5678}}收不到验证码。
备用号码：{{phone|0755-8888 6666}}。
订单编号[[phone:order_number|DD20240314000123]]，支付卡号{{credit_card|6225 8812 3456 7898}}。`,
  },
  {
    lang: 'ar',
    genre: 'email',
    text: `من: ((خالد العمري)) <{{email|khalid.alomari@gmail.com}}>
الموضوع: تحديث بيانات الدفع

أرجو تحديث رقم الجوال إلى {{phone|+971 55 987 6543}} والآيبان إلى {{iban|AE07 0331 2345 6789 0123 456}}.
رقم الفاتورة [[phone:order_number|INV-2024-3391]].`,
  },
  {
    lang: 'hi',
    genre: 'ticket',
    text: `मेरा नाम ((सुनीता जोशी)) है। मेरा व्हाट्सऐप नंबर {{phone|+91 70123 45678}} है।
कार्ड {{credit_card|4386 2894 0123 4567}} से दो बार पैसे कटे, UPI ID ((sunita.j@okhdfcbank)) भी देख लें।
ईमेल: {{email|sunita.joshi@yahoo.co.in}}`,
  },
  {
    lang: 'ru',
    genre: 'chat',
    text: `((Ольга)): скинь номер курьера
((Иван)): {{phone|+7 926 555-12-34}}, его зовут ((Андрей))
((Ольга)): и почту менеджера
((Иван)): {{email|manager@tehnoprom.ru}} 👍 трек [[phone:tracking_number|RA123456789RU]]`,
  },
  {
    lang: 'en',
    genre: 'markdown',
    text: `### Test accounts (staging only)

| user | password hash | last IP |
|---|---|---|
| {{email|qa1@staging.acme.io}} | [[api_key:hex_hash|$2b$12$KIXQJvZ8wY0Q1m7nR3oUeOaZ5b1c2d3e4f5g6h7i8j9k0l1m2n3o4]] | {{ipv4|100.64.3.12}} |
| {{email|qa2@staging.acme.io}} | [[api_key:hex_hash|$2b$12$Pq9Wx8Yz7Ab6Cd5Ef4Gh3uIj2Kl1Mn0Op9Qr8St7Uv6Wx5Yz4Ab3C]] | {{ipv6|2001:db8:ac10:fe01::12}} |

Deploy key fingerprint: [[ipv6:code_token|MD5:9d:38:5b:83:a9:17:52:92:56:1a:5e:c4:d4:81:8e:0a]]`,
  },
  {
    lang: 'en',
    genre: 'chat',
    text: `user: can you debug this? my git remote is [[url_credentials:url_userinfo|ssh://git@gitlab.acme.io:2222/platform/api.git]] and pushing fails
assistant: The SSH port looks right. Does \`ssh -T git@gitlab.acme.io -p 2222\` work?
user: no. fwiw the https one with my token works: {{url_credentials|https://oauth2:glpat-Xk2mP9qL7vR4tN8wZ1bC@gitlab.acme.io}}/platform/api.git
user: my SSN is {{us_ssn|123-45-6780}} lol jk that's from the docs. real one: {{us_ssn|587-34-2210}}`,
  },
  {
    lang: 'en',
    genre: 'ticket',
    text: `Card was typed with dots by the customer: {{credit_card|4111.1111.1111.1111}}. Phone written as {{phone|(212)555-0123}}.
Also left a voicemail from {{phone|+44 20 7946 0123}}. Shipping label [[credit_card:tracking_number|9205 5000 0000 0000 0000 00]], invoice [[phone:order_number|INV-004211]].`,
  },
];
