// Hand-written documents, less regular than the generated ones. Markup:
//   {{type}}            a true entity, generated for the document's language
//   {{type|value}}      a true entity written out here
//   [[looksLike:category|value]]  a hard negative
//   ((value))           a person's name (neutral: neither PII we score nor ordinary text)
import type { Genre } from './templates.js';
import type { Lang } from './values.js';

/** Languages that appear only in hand-written documents (no generators for them). */
export type ExtraLang = 'it' | 'nl' | 'pl' | 'ko';

export interface HandwrittenDoc {
  lang: Lang | ExtraLang;
  genre: Genre | 'csv' | 'html' | 'sql' | 'diff' | 'http' | 'markdown';
  text: string;
}

export const HANDWRITTEN: readonly HandwrittenDoc[] = [
  {
    lang: 'en',
    genre: 'http',
    text: `POST /v1/chat/completions HTTP/1.1
Host: api.openai.com
Authorization: Bearer {{api_key}}
Content-Type: application/json
X-Request-ID: [[phone:uuid|3f2b8c1e-9a4d-4e7b-b1c2-7d9e0f1a2b3c]]
X-Forwarded-For: {{ipv4|203.0.113.77}}, {{ipv4|10.12.0.4}}
User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 [[ipv4:version|Chrome/124.0.0.0]] Safari/537.36

{"model":"gpt-4.1","messages":[{"role":"user","content":"my card {{credit_card|4111 1111 1111 1111}} was charged twice on [[phone:date|2024-03-02]]"}]}`,
  },
  {
    lang: 'en',
    genre: 'csv',
    text: `customer_id,name,email,phone,last_order,amount
10023,((Emily Carter)),{{email|emily.carter@northwind-traders.com}},{{phone|(415) 555-2671}},[[phone:order_number|ORD-2024-118822]],129.90
10024,((James Whitaker)),{{email|jwhitaker@outlook.com}},{{phone|+1 646 555 0134}},[[phone:order_number|ORD-2024-118823]],15.00
10025,((Priya Raman)),{{email|priya.raman+shop@gmail.com}},{{phone|+44 7700 900461}},[[phone:order_number|ORD-2024-118830]],2400.00`,
  },
  {
    lang: 'en',
    genre: 'diff',
    text: `diff --git a/config/prod.env b/config/prod.env
index [[api_key:git_sha|4e1d2f9]]..[[api_key:git_sha|a7c3b20]] 100644
--- a/config/prod.env
+++ b/config/prod.env
@@ -3,7 +3,7 @@ APP_NAME=orders
-DATABASE_URL={{url_credentials|postgres://orders:changeme@localhost:5432}}/orders
+DATABASE_URL={{url_credentials|postgres://orders:Wq83vLz0pQ2mRt@pg-prod-01.internal:5432}}/orders
 REDIS_URL=redis://cache:6379/0
-STRIPE_WEBHOOK_TOLERANCE=300
+ANTHROPIC_API_KEY={{api_key}}`,
  },
  {
    lang: 'en',
    genre: 'markdown',
    text: `## Incident 2024-07 (payments)

Timeline (UTC):

1. 09:12 alerts fire for \`payments-api\` on {{ipv4|172.20.14.9}} and {{ipv6|2001:db8:4:12::1a}}
2. 09:20 ((Marcus Hale)) pages on-call ({{phone|+1 (312) 555-0199}})
3. 09:41 root cause: a bad deploy ([[api_key:git_sha|9fceb02d0ae598e95dc970b74767f19372d61af8]], release [[ipv4:version|v2.14.3.1]])

\`\`\`
ERROR card declined pan={{credit_card|5555555555554444}} reason=do_not_honor
WARN  retrying order [[credit_card:order_number|302-4417785-9981324]] (attempt 2/3)
\`\`\``,
  },
  {
    lang: 'en',
    genre: 'sql',
    text: `INSERT INTO customers (id, full_name, email, ssn, iban, created_at) VALUES
  (1, '((Olivia Brennan))', '{{email|olivia.brennan@icloud.com}}', '{{us_ssn|536-22-1234}}', '{{iban|GB82 WEST 1234 5698 7654 32}}', '[[ipv6:timestamp|2024-02-11 08:15:00]]'),
  (2, '((Daniel Okafor))', '{{email|d.okafor@brightpath.io}}', '{{us_ssn|412-56-7890}}', NULL, '[[ipv6:timestamp|2024-02-12 17:40:09]]');
-- test data only: [[us_ssn:invalid_ssn|000-12-3456]] and [[us_ssn:invalid_ssn|666-45-1111]] must be rejected by the form`,
  },
  {
    lang: 'en',
    genre: 'html',
    text: `<div class="signature">
  <p><strong>((Sarah Lindqvist))</strong> · Head of Finance</p>
  <p>📞 <a href="tel:{{phone|+14155550112}}">{{phone|(415) 555-0112}}</a> · ✉️ <a href="mailto:{{email|sarah.lindqvist@northwind-traders.com}}">write me</a></p>
  <img src="/static/[[email:asset_name|logo@2x.png]]" alt="Northwind">
</div>`,
  },
  {
    lang: 'en',
    genre: 'chat',
    text: `dev-ops (#incident) — ((Tom Fischer)): anyone know why staging can't reach {{url_credentials|mongodb+srv://etl_user:Rk7vQ2xLm9Pz@cluster0.x8k2p.mongodb.net}}?
((Priya Raman)): try the other replica, and pls don't paste creds in here 😅
((Tom Fischer)): oops. also the bot token is {{api_key|xoxb-284756019283-2847560192837-Qh7Lm2Xv9Rt3Kp8Wz1Nc4Ds6}}
((Priya Raman)): rotating both now. fwiw the old one was [[api_key:placeholder_key|xoxb-your-bot-token]] in the README lol`,
  },
  {
    lang: 'en',
    genre: 'ticket',
    text: `My order [[credit_card:order_number|114-2231987-5521094]] never arrived. UPS says [[phone:tracking_number|1Z999AA10123456784]] was delivered on [[phone:date|03/14/2024]] but I was home all day.
I'm on the iPhone app [[phone:version|17.4.1]]. Please refund to the Amex ending 0005 ({{credit_card|3782 822463 10005}}).
You can call me at {{phone|917.555.0148}} or text 👉{{phone|+1-646-555-0177}}.`,
  },
  {
    lang: 'de',
    genre: 'email',
    text: `Von: ((Katrin Vogel)) <{{email|katrin.vogel@schaefer-logistik.de}}>
Betreff: Rücklastschrift Rechnung RE-2024-00417

Hallo Frau ((Wolff)),

die Lastschrift vom [[phone:date|15.01.2024]] über [[phone:price|1.234,56]] € ist zurückgekommen. Bitte buchen Sie künftig von {{iban|DE89 3704 0044 0532 0130 00}} ab (nicht mehr von [[iban:bad_iban|DE89 3704 0044 0532 0130 01]], das Konto ist gekündigt).

Rückfragen gern telefonisch: {{phone|0221 4711234}} oder mobil {{phone|0171 2345678}}.

Viele Grüße
((Katrin Vogel))
Schäfer Logistik GmbH · Teilenr. Hotline [[phone:part_number|8844-2231-00]]`,
  },
  {
    lang: 'de',
    genre: 'chat',
    text: `((Lukas)): kannst du mir kurz die IBAN schicken?
((Anja)): klar 👉 {{iban|DE44500105175407324931}}
((Lukas)): danke! und deine Nummer hat sich geändert oder? 
((Anja)): ja, neu: {{phone|+49 176 23456789}} 📱 (die alte {{phone|0151 98765432}} geht nur noch bis Ende März)
((Lukas)): 👍 Paket kommt übrigens mit DHL, Sendungsnummer [[phone:tracking_number|JJD000390007813204522]]`,
  },
  {
    lang: 'de',
    genre: 'ticket',
    text: `Servus, bei uns im Büro in Wien geht das VPN nicht. Gateway ist {{ipv4|185.12.64.3}}, intern {{ipv4|10.8.0.1}}, Client-Version [[ipv4:version|v4.2.1.0]].
Fehlermeldung kam am [[phone:date|2024-02-29]] um 08:15. Ich bin unter {{phone|+43 664 1234567}} erreichbar, Kollege ((Felix Neumann)) unter {{phone|+43 1 5876543}}.`,
  },
  {
    lang: 'fr',
    genre: 'ticket',
    text: `Bonjour,
Je n'arrive plus à payer avec ma carte {{credit_card|4970 1012 3456 7893}} depuis le [[phone:date|12/03/2024]]. Le code d'erreur est E-4021.
Mon numéro : {{phone|06 12 34 56 78}} ; au bureau : {{phone|01.42.68.53.00}}.
Pour le remboursement, voici mon RIB : {{iban|FR14 2004 1010 0505 0001 3M02 606}}.
Cordialement,
((Camille Lefèvre))`,
  },
  {
    lang: 'fr',
    genre: 'json',
    text: `{"client":{"nom":"((Julien Moreau))","courriel":"{{email|julien.moreau@orange.fr}}","tel":"{{phone|+33 6 71 23 45 89}}"},"commande":"[[phone:order_number|#100234]]","ip":"{{ipv4|92.154.12.80}}","ua":"[[ipv4:version|Firefox/125.0.0.0]]"}`,
  },
  {
    lang: 'es',
    genre: 'ticket',
    text: `Hola, soy ((Lucía Fernández)). El cargo de [[phone:price|1.250,00]] € en mi tarjeta {{credit_card|5425 2334 3010 9903}} es un error.
Mi móvil es el {{phone|612 345 678}} y el fijo de casa {{phone|91 123 45 67}}.
Número de pedido [[phone:order_number|PO-2024-55120]]. IBAN para la devolución: {{iban|ES91 2100 0418 4502 0005 1332}}.
¡Gracias!`,
  },
  {
    lang: 'es',
    genre: 'chat',
    text: `((Diego)): oye, me pasas el correo de facturación?
((Carmen)): {{email|facturacion@construcciones-ortega.es}} 📧
((Diego)): y el whatsapp de ((Pablo))?
((Carmen)): {{phone|+52 55 1234 5678}} (está en CDMX)`,
  },
  {
    lang: 'pt',
    genre: 'ticket',
    text: `Olá! Comprei o produto ([[phone:part_number|SKU A1-2231-X]]) no dia [[phone:date|05/02/2024]] e veio com defeito.
Meu celular: {{phone|(11) 98765-4321}}. Telefone fixo: {{phone|(21) 3456-7890}}.
E-mail: {{email|rafael.oliveira@uol.com.br}}. Obrigado, ((Rafael Oliveira)).`,
  },
  {
    lang: 'pt',
    genre: 'email',
    text: `De: ((Inês Rodrigues)) <{{email|ines.rodrigues@sapo.pt}}>
Assunto: transferência

Bom dia,
o IBAN correto é {{iban|PT50 0002 0123 1234 5678 9015 4}}. Qualquer dúvida ligue para {{phone|+351 912 345 678}} ou {{phone|21 234 5678}}.
Cumprimentos`,
  },
  {
    lang: 'ja',
    genre: 'ticket',
    text: `件名：請求について
お世話になっております。((田中太郎))です。
先月の請求（注文番号[[phone:order_number|4500123456]]）に誤りがあるようです。
カード{{credit_card|3530111333300000}}で二重に引き落とされています。
ご連絡は{{phone|090-1234-5678}}または{{email|taro.tanaka@tanaka-shoji.co.jp}}までお願いします。
会社の代表番号は{{phone|03-5432-1098}}です。`,
  },
  {
    lang: 'ja',
    genre: 'chat',
    text: `[10:02] ((佐藤花子)): サーバー{{ipv4|192.168.11.20}}に繋がりません🙏
[10:03] ((鈴木健太)): IPv6の方（{{ipv6|fe80::1c2d:3eff:fe4f:5a6b}}）も試しましたか？
[10:05] ((佐藤花子)): はい、だめでした。ログのリクエストIDは[[phone:uuid|9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d]]です
[10:06] ((鈴木健太)): 了解です。携帯{{phone|08012345678}}に電話します`,
  },
  {
    lang: 'zh',
    genre: 'ticket',
    text: `您好，我是((王伟))。
我的手机号是{{phone|13812345678}}，邮箱{{email|wangwei1988@163.com}}。
订单号[[phone:order_number|2024031512345]]一直没有发货，快递单号[[phone:tracking_number|SF1234567890123]]查不到信息。
公司电话{{phone|010-62345678}}，谢谢！`,
  },
  {
    lang: 'zh',
    genre: 'code',
    text: `# 生产环境配置，别提交！
DB_DSN = "{{url_credentials|mysql://root:Hx92kLp0Qz7v@10.20.3.17:3306}}/shop"
AK = "{{api_key|AKIAQ3EGUBN6UPXYZ2AB}}"
# 版本 [[ipv4:version|v1.0.3.12]]，提交 [[api_key:git_sha|e83c5163316f89bfbde7d9ab23ca2e25604af290]]
ADMIN_PHONE = "{{phone|+86 138 0013 8000}}"`,
  },
  {
    lang: 'hi',
    genre: 'ticket',
    text: `नमस्ते, मेरा नाम ((राहुल शर्मा)) है।
मेरा मोबाइल नंबर {{phone|+91 98765 43210}} है और ईमेल {{email|rahul.sharma@rediffmail.com}}।
ऑर्डर नंबर [[phone:order_number|OD4291837465]] की डिलीवरी [[phone:date|15/03/2024]] को होनी थी।
कृपया {{phone|022 2345 6789}} पर ऑफिस में भी कॉल कर सकते हैं। धन्यवाद।`,
  },
  {
    lang: 'ar',
    genre: 'ticket',
    text: `السلام عليكم،
أنا ((أحمد الحربي))، رقم جوالي {{phone|+966 50 123 4567}} والبريد {{email|ahmed.alharbi@stc.com.sa}}.
تم خصم المبلغ مرتين من بطاقتي {{credit_card|4539 1488 0343 6467}} بتاريخ [[phone:date|2024-03-10]].
يرجى إرجاع المبلغ إلى الآيبان {{iban|SA03 8000 0000 6080 1016 7519}}.
شكراً لكم`,
  },
  {
    lang: 'ar',
    genre: 'chat',
    text: `((ليلى)): هل وصلك عنوان الخادم؟
((يوسف)): نعم {{ipv4|94.200.33.17}} والمنفذ 8443 👍
((ليلى)): رقمي الجديد في دبي {{phone|050 234 5678}}
((يوسف)): وتم إرسال الفاتورة إلى {{email|finance@emirates-trading.ae}}`,
  },
  {
    lang: 'ru',
    genre: 'ticket',
    text: `Здравствуйте!
Оплатил заказ [[phone:order_number|№ 48213-77]] картой {{credit_card|2200 1234 5678 9019}}, но статус не изменился.
Мой телефон {{phone|+7 (916) 123-45-67}}, рабочий {{phone|8 (495) 987-65-43}}.
Почта {{email|dmitry.popov@yandex.ru}}. Спасибо, ((Дмитрий Попов)).`,
  },
  {
    lang: 'en',
    genre: 'yaml',
    text: `apiVersion: v1
kind: ConfigMap
metadata:
  name: orders-config
  labels:
    app.kubernetes.io/version: "[[phone:version|3.8.1]]"
data:
  SENTRY_RELEASE: "[[api_key:git_sha|1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d]]"
  UPSTREAM: "{{ipv6|2a00:1450:4001:82a::200e}}"
  BROKER: "{{url_credentials|amqps://orders:T7pLq2ZxV9mW@rabbitmq.internal:5671}}"
  MAINTAINER: "{{email|platform-team@northwind-traders.com}}"
  NODE_IP: "{{ipv4|10.244.3.17}}"`,
  },
  {
    lang: 'en',
    genre: 'json',
    text: `{
  "type": "service_account",
  "project_id": "northwind-prod",
  "private_key_id": "[[api_key:hex_hash|1f3870be274f6c49b3e31a0c6728957f]]",
  "private_key": "{{private_key:escaped}}",
  "client_email": "{{email|ci-deployer@northwind-prod.iam.gserviceaccount.com}}",
  "client_id": "104238791165429381720"
}`,
  },
  {
    lang: 'en',
    genre: 'stacktrace',
    text: `psycopg2.OperationalError: connection to server at "{{ipv4|10.0.3.17}}", port 5432 failed: FATAL:  password authentication failed for user "app"
DSN was {{url_credentials|postgresql://app:Zm9vYmFyYmF6MTIz@pg-billing.internal:5432}}/billing?sslmode=require
  File "/usr/lib/python3.11/site-packages/psycopg2/__init__.py", line 122, in connect
    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)`,
  },
  {
    lang: 'en',
    genre: 'log',
    text: `[[ipv6:timestamp|2024-05-01T10:22:03.114Z]] WARN auth: failed login for {{email|m.hale@acmecorp.co.uk}} from {{ipv6|2607:f8b0:4005:80b::2004}} (attempt 3)
[[ipv6:timestamp|2024-05-01T10:22:04.880Z]] INFO auth: device [[ipv6:mac_address|3C:22:FB:9A:10:7E]] registered, imei [[credit_card:imei|356938035643809]]
[[ipv6:timestamp|2024-05-01T10:22:05.002Z]] ERROR edge: upstream [[ipv4:invalid_ip|300.12.4.1]] rejected (bad address), falling back to {{ipv4|52.94.236.248}}`,
  },
  {
    lang: 'en',
    genre: 'ticket',
    text: `Hey — our CI leaked a GitHub token in the build logs: {{api_key|ghp_R8b2Xk9Lm4Qz7Vt1Nw3Py6Hs0Jd5Fc2Ga8Ue}}. Also the deploy key (truncated in the log):
{{private_key|-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACB3xK9mQ2v7Lp4ZtR8nW1cY5hJ0dF6gS3aE2uI7oP9qXwAAAJhL2k9mS9pP}}
Remote is [[email:scp_remote|git@github.com:northwind/orders.git]], public key fingerprint [[ipv6:code_token|SHA256:a1:b2:c3:d4:e5:f6:07:18]].
Please revoke ASAP. Commit [[api_key:git_sha|3e4f5a6]].`,
  },
  {
    lang: 'en',
    genre: 'email',
    text: `From: ((Daniel Okafor)) <{{email|daniel.okafor@brightpath.io}}>
Subject: W-9 and payroll

Hi ((Emily)),
attached is the W-9. My SSN is {{us_ssn|219 45 6789}}; my wife's is {{us_ssn|078-12-5544}}.
(The number on the old form, [[us_ssn:invalid_ssn|912-34-5678]], was my ITIN, please ignore it.)
Direct deposit: routing ((021000021)), account ((4400 1234 5678)) — or just use the card on file.
Thanks! {{phone|+1 202 555 0183}}`,
  },
  {
    lang: 'en',
    genre: 'markdown',
    text: `| Host | IPv4 | IPv6 | Owner |
|---|---|---|---|
| web-1 | {{ipv4|198.51.100.23}} | {{ipv6|2001:db8:85a3::8a2e:370:7334}} | {{email|ops@northwind-traders.com}} |
| web-2 | {{ipv4|198.51.100.24}} | {{ipv6|2001:0db8:85a3:0000:0000:8a2e:0370:7335}} | ((Marcus Hale)) |
| legacy | [[ipv4:invalid_ip|256.10.10.1]] | — | retired [[phone:date|2023-12-31]] |`,
  },
  {
    lang: 'en',
    genre: 'code',
    text: `const stripe = new Stripe(process.env.STRIPE_KEY!);
// test cards — these are not real: [[credit_card:luhn_invalid|4242 4242 4242 4241]] fails Luhn on purpose
const customer = { email: '{{email|qa+stripe@northwind-traders.com}}', phone: '{{phone|+1 415 555 0100}}' };
const auth = 'Bearer {{jwt}}';
const build = { sha: '[[api_key:git_sha|0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d0]]', id: '[[phone:uuid|c56a4180-65aa-42ec-a945-5fd21dec0538]]' };`,
  },
  {
    lang: 'de',
    genre: 'env',
    text: `# .env.production — NICHT einchecken
APP_URL=https://shop.schaefer-logistik.de
DB_URL={{url_credentials|postgres://shop:Xk29LmQp7vRz@db.internal:5432}}/shop
REDIS_URL={{url_credentials|redis://:Pq81ZxLm0vTa@cache.internal:6379}}/0
OPENAI_API_KEY={{api_key}}
MAIL_FROM={{email|noreply@schaefer-logistik.de}}
SUPPORT_HOTLINE="{{phone|+49 (0)30 901820}}"
BUILD_DATE=[[phone:date|2024-03-01]]
RELEASE=[[ipv4:version|v3.2.0.7]]`,
  },
  {
    lang: 'fr',
    genre: 'log',
    text: `[[ipv6:timestamp|2024-04-02 14:03:22]] INFO paiement accepté carte={{credit_card|5136 3333 3333 3335}} montant=[[phone:price|1 250 000]]
[[ipv6:timestamp|2024-04-02 14:03:25]] WARN IBAN invalide [[iban:bad_iban|FR76 3000 6000 0112 3456 7890 188]] rejeté
[[ipv6:timestamp|2024-04-02 14:03:27]] INFO remboursement vers {{iban|FR7630006000011234567890189}}`,
  },
  {
    lang: 'es',
    genre: 'table',
    text: `| Cliente | Correo | Teléfono | Pedido |
|---|---|---|---|
| ((Sofía Morales)) | {{email|sofia.morales@yahoo.es}} | {{phone|+34 678 90 12 34}} | [[phone:order_number|SO-2024-00871]] |
| ((Andrés Vega)) | {{email|andres.vega@telefonica.es}} | {{phone|699 123 456}} | [[phone:order_number|SO-2024-00872]] |
| ((Marta Iglesias)) | {{email|marta.iglesias@correo.ugr.es}} | {{phone|958 24 30 00}} | [[phone:order_number|SO-2024-00873]] |`,
  },
  {
    lang: 'en',
    genre: 'chat',
    text: `user: what's wrong with this? curl -u {{url_credentials|https://admin:S3cr3tPassw0rd9@registry.northwind-traders.com}}/v2/_catalog
assistant: You pasted a password. Rotate it. Also never log the Authorization header, e.g. "Bearer {{jwt}}".
user: ok 😬 my sk key too? {{api_key}}
assistant: Yes, rotate that as well.`,
  },
  {
    lang: 'en',
    genre: 'ticket',
    text: `Shipping label for ((Olivia Brennan)): ((742 Evergreen Terrace, Springfield)). USPS tracking [[credit_card:tracking_number|9400 1000 0000 0000 0000 00]], weight 2.4 lb.
Contact {{phone|+1 (217) 555-0143}}. Paid with Discover {{credit_card|6011 0009 9013 9424}}.
ISBN of the book: [[phone:isbn|978-3-16-148410-0]]. Gift card code [[credit_card:luhn_invalid|6011-2345-6789-0124]] did not work.`,
  },
  {
    lang: 'ja',
    genre: 'env',
    text: `# 本番用。コミット禁止
SLACK_WEBHOOK_TOKEN={{api_key}}
GITHUB_TOKEN={{api_key}}
DB={{url_credentials|postgresql://tanaka:Hg72LmPq0zXv@10.1.2.3:5432}}/app
CONTACT={{email|info@tanaka-shoji.co.jp}}
CONTACT_TEL={{phone|+81 3-6123-4567}}
IMAGE=[[email:asset_name|icon-close@3x.png]]`,
  },
  {
    lang: 'pt',
    genre: 'json',
    text: `{"pedido":"[[phone:order_number|#554321]]","cliente":{"nome":"((Beatriz Souza))","cpf_ok":true,"email":"{{email|beatriz.souza@bol.com.br}}","celular":"{{phone|+55 (21) 99876-5432}}"},"pagamento":{"cartao":"{{credit_card|4514 1603 2034 7894}}","parcelas":3},"criado_em":"[[ipv6:timestamp|2024-03-18T09:30:00-03:00]]"}`,
  },
  {
    lang: 'zh',
    genre: 'chat',
    text: `((李芳))：服务器IPv6是{{ipv6|240e:3b7:3272:d8d0:db09:c067:8d59:539e}}，IPv4是{{ipv4|120.79.45.13}}
((张娜))：收到👌 我的邮箱{{email|zhangna@qq.com}}，手机{{phone|+86 139 1234 5678}}
((李芳))：版本号[[ipv4:version|v2.3.0.1]]，别搞错了`,
  },
  {
    lang: 'hi',
    genre: 'chat',
    text: `((अमित)): भाई, UPI नहीं चल रहा, कार्ड से कर दिया {{credit_card|5267 3181 8797 5449}} 😅
((नेहा)): ठीक है, बिल {{email|neha.singh@gmail.com}} पर भेज देना
((अमित)): और मेरा नया नंबर {{phone|+91-98201-23456}} सेव कर लो
((नेहा)): 👍 ऑर्डर [[phone:order_number|#778812]] कल आएगा`,
  },
  {
    lang: 'ru',
    genre: 'code',
    text: `# боевой конфиг, не коммитить
SMTP_URL = "{{url_credentials|smtp://mailer:Vx82LpQz0mTr@smtp.mailgun.org:587}}"
ADMIN = "{{email|sergey.novikov@mail.ru}}"
SERVER = "{{ipv4|95.213.4.28}}"
TIMEOUT = 30  # секунд
SHA = "[[api_key:hex_hash|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855]]"`,
  },
];
