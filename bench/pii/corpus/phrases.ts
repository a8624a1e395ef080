// Per-language phrasing for the generated documents. `{}` marks where the labelled value goes and
// `{n}` a person's name. CJK phrasing often puts values right against the surrounding characters,
// as people write them.
import type { EntityType, Lang, NegativeCategory } from './values.js';

export interface LangPhrases {
  subject: readonly string[];
  greeting: readonly string[];
  filler: readonly string[];
  closing: readonly string[];
  email: readonly string[];
  phone: readonly string[];
  card: readonly string[];
  ssn: readonly string[];
  /** SSN written as nine bare digits: the phrase names it right before the value. */
  ssnBare: readonly string[];
  iban: readonly string[];
  ip: readonly string[];
  secret: readonly string[];
  order: readonly string[];
  date: readonly string[];
  tech: readonly string[];
  /** Field names for tables, JSON keys and forms. */
  labels: Readonly<Record<EntityType, string>>;
  negLabels: Readonly<Partial<Record<NegativeCategory, string>>>;
}

const en: LangPhrases = {
  subject: ['Subject: Refund not received', 'Subject: Cannot log in since the update', 'Subject: Wrong billing address on invoice', 'Subject: URGENT - prod outage', 'Re: your ticket #48213'],
  greeting: ['Hi team,', 'Hello,', 'Hi {n},', 'Dear support,', 'Good morning {n},'],
  filler: [
    'I have been waiting for 3 days now and nobody got back to me.',
    'This started after the 2 updates last week.',
    'Can you please look into it before Friday?',
    'We have 14 users affected, maybe more.',
    'The dashboard shows the same error as yesterday.',
    'Attaching the details below, let me know if you need anything else.',
    'It worked fine on the old plan (the 12-month one).',
    'Our team in building 7 sees it too.',
  ],
  closing: ['Thanks,', 'Best regards,', 'Cheers,', 'Thank you in advance!'],
  email: ['You can reach me at {}.', 'My email is {} (work address).', 'Please send the invoice to {} instead.', 'cc {} on the reply', 'Account email: {}'],
  phone: ['Call me on {} after 5pm.', 'My number is {}.', 'Phone: {}', 'Best to text {} - I am travelling.', 'You can call our office at {}.'],
  card: ['The charge was on my card {}.', 'Card number: {}', 'I paid with {} but it was declined.', 'please refund to card {}, exp 04/27'],
  ssn: ['My SSN is {} if you need it for the W-9.', 'SSN: {}', 'social security number {} (employee record)'],
  ssnBare: ['SSN: {}', 'my ssn {}', 'Social Security: {}'],
  iban: ['Please wire it to IBAN {}.', 'IBAN: {}', 'our bank account {} (BIC included in the PDF)'],
  ip: ['The requests come from {}.', 'server IP {}', 'blocked address: {}', 'I am connecting from {} over VPN.'],
  secret: ['here is the key I used: {}', 'token = {}', 'I accidentally pasted {} in the channel, should I rotate it?', 'config value: {}'],
  order: ['Order number {}.', 'ref {}', 'tracking: {}', 'item {} in the catalogue'],
  date: ['since {}', 'on {} it was still fine', 'logged at {}'],
  tech: ['see {}', 'build {}', 'id {}', 'value {}'],
  labels: { email: 'Email', phone: 'Phone', credit_card: 'Card number', us_ssn: 'SSN', iban: 'IBAN', ipv4: 'IP address', ipv6: 'IPv6', api_key: 'API key', jwt: 'Token', private_key: 'Private key', url_credentials: 'Connection string' },
  negLabels: { order_number: 'Order #', tracking_number: 'Tracking', date: 'Date', version: 'Version', uuid: 'Request ID', part_number: 'Part no.' },
};

const de: LangPhrases = {
  subject: ['Betreff: Rückerstattung nicht erhalten', 'Betreff: Login funktioniert nicht mehr', 'Betreff: Falsche Rechnungsadresse', 'Betreff: Störung im Kundenportal', 'AW: Ihre Anfrage Nr. 48213'],
  greeting: ['Hallo zusammen,', 'Sehr geehrte Damen und Herren,', 'Hallo {n},', 'Guten Tag,', 'Moin {n},'],
  filler: [
    'Ich warte jetzt seit 3 Tagen auf eine Antwort.',
    'Das Problem besteht seit dem Update vom Dienstag.',
    'Könnten Sie das bitte bis Freitag prüfen?',
    'Bei uns sind 14 Mitarbeiter betroffen.',
    'Im Anhang finden Sie die Details.',
    'Vorher lief alles einwandfrei, auch mit 2 Geräten gleichzeitig.',
    'Die Lieferung sollte eigentlich in KW 12 kommen.',
  ],
  closing: ['Viele Grüße', 'Mit freundlichen Grüßen', 'Danke und Gruß', 'Beste Grüße'],
  email: ['Sie erreichen mich unter {}.', 'Meine E-Mail-Adresse lautet {}.', 'Bitte die Rechnung an {} schicken.', 'E-Mail: {}', 'Antwort bitte an {} 🙏'],
  phone: ['Rufen Sie mich gerne unter {} an.', 'Tel. {}', 'Meine Handynummer: {}', 'Telefonisch bin ich unter {} erreichbar.', 'Rückruf bitte an {}.'],
  card: ['Die Abbuchung lief über meine Kreditkarte {}.', 'Kartennummer: {}', 'Ich habe mit der Karte {} bezahlt.'],
  ssn: ['Meine US-Sozialversicherungsnummer (SSN) ist {}.', 'SSN: {}', 'für das US-Formular: SSN {}'],
  ssnBare: ['SSN: {}', 'US-SSN {}'],
  iban: ['Bitte überweisen Sie den Betrag auf IBAN {}.', 'IBAN: {}', 'Meine Bankverbindung: {}', 'Kontoverbindung {} (Sparkasse)'],
  ip: ['Die Zugriffe kommen von {}.', 'Server-IP {}', 'gesperrte Adresse: {}', 'Ich bin über {} verbunden.'],
  secret: ['hier der Schlüssel: {}', 'Token: {}', 'Ich habe aus Versehen {} ins Ticket kopiert.', 'Konfigurationswert {}'],
  order: ['Bestellnummer {}.', 'Auftragsnummer {}', 'Sendungsnummer: {}', 'Artikelnummer {}'],
  date: ['seit dem {}', 'am {} noch ok', 'Zeitstempel {}'],
  tech: ['siehe {}', 'Build {}', 'Kennung {}', 'Wert {}'],
  labels: { email: 'E-Mail', phone: 'Telefon', credit_card: 'Kreditkarte', us_ssn: 'SSN', iban: 'IBAN', ipv4: 'IP-Adresse', ipv6: 'IPv6-Adresse', api_key: 'API-Schlüssel', jwt: 'Token', private_key: 'Privater Schlüssel', url_credentials: 'Verbindungs-URL' },
  negLabels: { order_number: 'Bestellnr.', tracking_number: 'Sendungsnr.', date: 'Datum', version: 'Version', uuid: 'Vorgangs-ID', part_number: 'Teilenr.' },
};

const fr: LangPhrases = {
  subject: ['Objet : Remboursement non reçu', 'Objet : Impossible de me connecter', 'Objet : Erreur sur la facture', 'Objet : Panne du service client', 'RE: votre demande n° 48213'],
  greeting: ['Bonjour,', 'Bonjour {n},', 'Madame, Monsieur,', 'Salut {n},'],
  filler: [
    "J'attends une réponse depuis 3 jours.",
    'Le problème est apparu après la mise à jour de mardi.',
    'Pourriez-vous vérifier avant vendredi ?',
    'Nous avons 14 postes concernés.',
    'Vous trouverez les détails ci-dessous.',
    "Tout fonctionnait avec l'ancienne offre à 12 mois.",
  ],
  closing: ['Cordialement,', 'Bien à vous,', 'Merci d’avance,', 'Bonne journée,'],
  email: ['Vous pouvez me joindre à {}.', 'Mon adresse e-mail : {}', 'Merci d’envoyer la facture à {}.', 'courriel : {}'],
  phone: ['Appelez-moi au {} après 17h.', 'Mon portable : {}', 'Tél. : {}', 'Vous pouvez joindre notre bureau au {}.'],
  card: ['Le prélèvement a été fait sur ma carte {}.', 'Numéro de carte : {}', "J'ai payé avec la carte {}."],
  ssn: ['Pour le formulaire américain, mon SSN est {}.', 'SSN : {}'],
  ssnBare: ['SSN : {}', 'mon SSN {}'],
  iban: ['Merci de virer le montant sur l’IBAN {}.', 'IBAN : {}', 'Mes coordonnées bancaires : {}'],
  ip: ['Les requêtes viennent de {}.', 'IP du serveur : {}', 'adresse bloquée : {}'],
  secret: ['voici la clé : {}', 'jeton : {}', "J'ai collé {} par erreur dans le ticket."],
  order: ['Numéro de commande {}.', 'référence {}', 'numéro de suivi : {}'],
  date: ['depuis le {}', 'le {} tout allait bien', 'horodatage {}'],
  tech: ['voir {}', 'build {}', 'identifiant {}'],
  labels: { email: 'E-mail', phone: 'Téléphone', credit_card: 'Carte bancaire', us_ssn: 'SSN', iban: 'IBAN', ipv4: 'Adresse IP', ipv6: 'Adresse IPv6', api_key: 'Clé API', jwt: 'Jeton', private_key: 'Clé privée', url_credentials: 'URL de connexion' },
  negLabels: { order_number: 'N° de commande', tracking_number: 'N° de suivi', date: 'Date', version: 'Version', uuid: 'ID de requête', part_number: 'Réf. pièce' },
};

const es: LangPhrases = {
  subject: ['Asunto: Reembolso no recibido', 'Asunto: No puedo iniciar sesión', 'Asunto: Error en la factura', 'Asunto: Caída del servicio', 'RE: su solicitud n.º 48213'],
  greeting: ['Hola,', 'Hola {n},', 'Estimados señores:', 'Buenos días {n},'],
  filler: [
    'Llevo 3 días esperando una respuesta.',
    'El problema empezó después de la actualización del martes.',
    '¿Podrían revisarlo antes del viernes?',
    'Hay 14 usuarios afectados en la oficina.',
    'Adjunto los detalles abajo.',
    'Con el plan anterior de 12 meses funcionaba bien.',
  ],
  closing: ['Saludos,', 'Un saludo,', 'Gracias de antemano,', 'Atentamente,'],
  email: ['Me pueden escribir a {}.', 'Mi correo es {}.', 'Por favor, envíen la factura a {}.', 'correo electrónico: {}'],
  phone: ['Llámame al {} por la tarde.', 'Mi móvil: {}', 'Teléfono: {}', 'Pueden llamar a la oficina al {}.', 'WhatsApp {}'],
  card: ['El cargo se hizo en mi tarjeta {}.', 'Número de tarjeta: {}', 'Pagué con la tarjeta {}.'],
  ssn: ['Para el formulario de EE. UU., mi SSN es {}.', 'SSN: {}'],
  ssnBare: ['SSN: {}', 'número SSN {}'],
  iban: ['Por favor, transfieran el importe al IBAN {}.', 'IBAN: {}', 'Mi cuenta bancaria: {}'],
  ip: ['Las peticiones vienen de {}.', 'IP del servidor: {}', 'dirección bloqueada: {}'],
  secret: ['esta es la clave: {}', 'token: {}', 'Pegué {} por error en el chat.'],
  order: ['Número de pedido {}.', 'referencia {}', 'número de seguimiento: {}'],
  date: ['desde el {}', 'el {} todo funcionaba', 'marca de tiempo {}'],
  tech: ['ver {}', 'compilación {}', 'identificador {}'],
  labels: { email: 'Correo', phone: 'Teléfono', credit_card: 'Tarjeta', us_ssn: 'SSN', iban: 'IBAN', ipv4: 'Dirección IP', ipv6: 'Dirección IPv6', api_key: 'Clave API', jwt: 'Token', private_key: 'Clave privada', url_credentials: 'Cadena de conexión' },
  negLabels: { order_number: 'N.º de pedido', tracking_number: 'Seguimiento', date: 'Fecha', version: 'Versión', uuid: 'ID de solicitud', part_number: 'Ref. pieza' },
};

const pt: LangPhrases = {
  subject: ['Assunto: Reembolso não recebido', 'Assunto: Não consigo entrar na conta', 'Assunto: Erro na fatura', 'Assunto: Sistema fora do ar', 'RE: seu chamado nº 48213'],
  greeting: ['Olá,', 'Olá {n},', 'Prezados,', 'Bom dia {n},'],
  filler: [
    'Estou esperando há 3 dias por uma resposta.',
    'O problema começou depois da atualização de terça.',
    'Vocês conseguem verificar até sexta?',
    'São 14 usuários afetados aqui.',
    'Seguem os detalhes abaixo.',
    'No plano antigo de 12 meses funcionava normalmente.',
  ],
  closing: ['Obrigado,', 'Atenciosamente,', 'Abraços,', 'Cumprimentos,'],
  email: ['Podem me escrever em {}.', 'Meu e-mail é {}.', 'Por favor, enviem a nota fiscal para {}.', 'e-mail: {}'],
  phone: ['Me liga no {} depois das 17h.', 'Meu celular: {}', 'Telefone: {}', 'WhatsApp: {}', 'O telefone do escritório é {}.'],
  card: ['A cobrança foi no meu cartão {}.', 'Número do cartão: {}', 'Paguei com o cartão {}.'],
  ssn: ['Para o formulário americano, meu SSN é {}.', 'SSN: {}'],
  ssnBare: ['SSN: {}', 'meu SSN {}'],
  iban: ['Por favor, transfiram para o IBAN {}.', 'IBAN: {}', 'Minha conta: {}'],
  ip: ['As requisições vêm de {}.', 'IP do servidor: {}', 'endereço bloqueado: {}'],
  secret: ['segue a chave: {}', 'token: {}', 'Colei {} no chat sem querer.'],
  order: ['Número do pedido {}.', 'referência {}', 'código de rastreio: {}'],
  date: ['desde {}', 'em {} estava tudo certo', 'carimbo de data {}'],
  tech: ['ver {}', 'build {}', 'identificador {}'],
  labels: { email: 'E-mail', phone: 'Telefone', credit_card: 'Cartão', us_ssn: 'SSN', iban: 'IBAN', ipv4: 'Endereço IP', ipv6: 'Endereço IPv6', api_key: 'Chave de API', jwt: 'Token', private_key: 'Chave privada', url_credentials: 'URL de conexão' },
  negLabels: { order_number: 'Nº do pedido', tracking_number: 'Rastreio', date: 'Data', version: 'Versão', uuid: 'ID da requisição', part_number: 'Código da peça' },
};

const ja: LangPhrases = {
  subject: ['件名：返金が届いていません', '件名：ログインできません', '件名：請求書の住所が間違っています', '件名：【至急】本番障害', 'Re: お問い合わせ番号48213'],
  greeting: ['お世話になっております。', '{n}様', 'サポートご担当者様', 'こんにちは。'],
  filler: [
    '3日前から返信を待っています。',
    '火曜日のアップデート以降、この問題が発生しています。',
    '金曜日までに確認していただけますか。',
    '社内で14名が影響を受けています。',
    '詳細は以下の通りです。',
    '以前の12ヶ月プランでは問題ありませんでした。',
  ],
  closing: ['よろしくお願いいたします。', '以上、よろしくお願いします。', 'ありがとうございます。'],
  email: ['連絡先メールアドレスは{}です。', 'メール：{}', '請求書は {} に送ってください。', '返信は{}までお願いします。'],
  phone: ['電話番号は{}です。', '携帯：{}', 'お手数ですが {} までお電話ください。', '連絡先（電話）：{}'],
  card: ['カード番号{}で決済しました。', 'クレジットカード：{}', '{} のカードで支払いました。'],
  ssn: ['米国の書類用にSSNは{}です。', 'SSN：{}'],
  ssnBare: ['SSN：{}', 'SSN {}'],
  iban: ['振込先IBAN：{}', '口座（IBAN）は {} です。'],
  ip: ['アクセス元IPは{}です。', 'サーバーIP：{}', 'ブロックされたアドレス {}'],
  secret: ['使ったキーはこちら：{}', 'トークン：{}', '誤って{}をチャットに貼ってしまいました。'],
  order: ['注文番号{}', '注文番号：{}', '追跡番号 {}'],
  date: ['{}から', '{}時点では正常', 'タイムスタンプ {}'],
  tech: ['{}を参照', 'ビルド{}', 'ID：{}'],
  labels: { email: 'メール', phone: '電話番号', credit_card: 'カード番号', us_ssn: 'SSN', iban: 'IBAN', ipv4: 'IPアドレス', ipv6: 'IPv6アドレス', api_key: 'APIキー', jwt: 'トークン', private_key: '秘密鍵', url_credentials: '接続URL' },
  negLabels: { order_number: '注文番号', tracking_number: '追跡番号', date: '日付', version: 'バージョン', uuid: 'リクエストID', part_number: '部品番号' },
};

const zh: LangPhrases = {
  subject: ['主题：退款未到账', '主题：无法登录', '主题：发票地址错误', '主题：【紧急】生产环境故障', '回复：工单48213'],
  greeting: ['您好，', '{n}你好，', '客服您好：', '大家好，'],
  filler: [
    '我已经等了3天了，还没有人回复。',
    '周二更新之后就出现了这个问题。',
    '麻烦周五之前帮忙看一下。',
    '我们这边有14个用户受影响。',
    '详细信息如下。',
    '之前12个月的套餐一直正常。',
  ],
  closing: ['谢谢！', '此致', '辛苦了，谢谢。'],
  email: ['我的邮箱是{}，谢谢。', '邮箱：{}', '请把发票发到 {} 。', '联系邮箱{}'],
  phone: ['我的手机号是{}，随时联系。', '电话：{}', '请拨打{}找我。', '联系电话 {}'],
  card: ['用的是尾号那张卡，卡号{}。', '信用卡号：{}', '我用 {} 这张卡付的款。'],
  ssn: ['美国税表需要，我的SSN是{}。', 'SSN：{}'],
  ssnBare: ['SSN：{}', 'SSN {}'],
  iban: ['请汇款到IBAN：{}', '收款账户 {}'],
  ip: ['请求来自{}。', '服务器IP：{}', '被封的地址 {}'],
  secret: ['这是我用的密钥：{}', '令牌：{}', '不小心把{}发到了群里。'],
  order: ['订单号{}', '订单号：{}', '快递单号 {}'],
  date: ['从{}开始', '{}还正常', '时间戳 {}'],
  tech: ['参见{}', '构建{}', 'ID：{}'],
  labels: { email: '邮箱', phone: '电话', credit_card: '卡号', us_ssn: 'SSN', iban: 'IBAN', ipv4: 'IP地址', ipv6: 'IPv6地址', api_key: 'API密钥', jwt: '令牌', private_key: '私钥', url_credentials: '连接串' },
  negLabels: { order_number: '订单号', tracking_number: '快递单号', date: '日期', version: '版本', uuid: '请求ID', part_number: '零件号' },
};

const hi: LangPhrases = {
  subject: ['विषय: रिफंड नहीं मिला', 'विषय: लॉगिन नहीं हो रहा', 'विषय: बिल में गलत पता', 'विषय: सर्विस बंद है'],
  greeting: ['नमस्ते,', 'नमस्ते {n} जी,', 'प्रिय सहायता टीम,'],
  filler: [
    'मैं 3 दिन से जवाब का इंतज़ार कर रहा हूँ।',
    'मंगलवार के अपडेट के बाद से यह समस्या है।',
    'कृपया शुक्रवार तक देख लीजिए।',
    'हमारे 14 यूज़र प्रभावित हैं।',
    'पूरी जानकारी नीचे दी गई है।',
  ],
  closing: ['धन्यवाद,', 'सादर,', 'शुक्रिया।'],
  email: ['मेरा ईमेल {} है।', 'ईमेल: {}', 'कृपया बिल {} पर भेजें।'],
  phone: ['मेरा फ़ोन नंबर {} है।', 'मोबाइल: {}', 'कृपया {} पर कॉल करें।', 'संपर्क नंबर {}'],
  card: ['पैसे मेरे कार्ड {} से कटे।', 'कार्ड नंबर: {}'],
  ssn: ['अमेरिकी फ़ॉर्म के लिए मेरा SSN {} है।', 'SSN: {}'],
  ssnBare: ['SSN: {}', 'SSN {}'],
  iban: ['कृपया राशि IBAN {} पर भेजें।', 'IBAN: {}'],
  ip: ['अनुरोध {} से आ रहे हैं।', 'सर्वर IP: {}'],
  secret: ['यह रही मेरी key: {}', 'टोकन: {}', 'मैंने गलती से {} चैट में डाल दिया।'],
  order: ['ऑर्डर नंबर {}', 'ट्रैकिंग नंबर: {}', 'संदर्भ {}'],
  date: ['{} से', '{} को ठीक था', 'समय {}'],
  tech: ['देखें {}', 'बिल्ड {}', 'आईडी {}'],
  labels: { email: 'ईमेल', phone: 'फ़ोन', credit_card: 'कार्ड नंबर', us_ssn: 'SSN', iban: 'IBAN', ipv4: 'IP पता', ipv6: 'IPv6 पता', api_key: 'API key', jwt: 'टोकन', private_key: 'प्राइवेट key', url_credentials: 'कनेक्शन URL' },
  negLabels: { order_number: 'ऑर्डर नंबर', tracking_number: 'ट्रैकिंग', date: 'तारीख', version: 'वर्ज़न', uuid: 'अनुरोध ID', part_number: 'पार्ट नंबर' },
};

const ar: LangPhrases = {
  subject: ['الموضوع: لم يصل المبلغ المسترد', 'الموضوع: لا أستطيع تسجيل الدخول', 'الموضوع: خطأ في الفاتورة', 'الموضوع: توقف الخدمة'],
  greeting: ['مرحباً،', 'السلام عليكم،', 'عزيزي {n}،', 'فريق الدعم المحترم،'],
  filler: [
    'أنتظر الرد منذ 3 أيام.',
    'بدأت المشكلة بعد تحديث يوم الثلاثاء.',
    'هل يمكنكم المراجعة قبل يوم الجمعة؟',
    'لدينا 14 مستخدماً متأثراً.',
    'التفاصيل أدناه.',
  ],
  closing: ['شكراً لكم،', 'مع التحية،', 'وتفضلوا بقبول فائق الاحترام،'],
  email: ['بريدي الإلكتروني هو {}', 'البريد: {}', 'يرجى إرسال الفاتورة إلى {}'],
  phone: ['رقم هاتفي هو {}', 'الجوال: {}', 'يرجى الاتصال بي على {}', 'واتساب {}'],
  card: ['تم الخصم من بطاقتي {}', 'رقم البطاقة: {}'],
  ssn: ['للنموذج الأمريكي، رقم SSN الخاص بي هو {}', 'SSN: {}'],
  ssnBare: ['SSN: {}', 'SSN {}'],
  iban: ['يرجى تحويل المبلغ إلى الآيبان {}', 'IBAN: {}', 'رقم الحساب الدولي {}'],
  ip: ['الطلبات تأتي من {}', 'عنوان الخادم {}'],
  secret: ['هذا هو المفتاح: {}', 'الرمز: {}', 'لصقت {} في المحادثة بالخطأ'],
  order: ['رقم الطلب {}', 'رقم التتبع: {}', 'المرجع {}'],
  date: ['منذ {}', 'في {} كان كل شيء يعمل', 'الطابع الزمني {}'],
  tech: ['انظر {}', 'الإصدار {}', 'المعرف {}'],
  labels: { email: 'البريد الإلكتروني', phone: 'الهاتف', credit_card: 'رقم البطاقة', us_ssn: 'SSN', iban: 'IBAN', ipv4: 'عنوان IP', ipv6: 'عنوان IPv6', api_key: 'مفتاح API', jwt: 'رمز', private_key: 'مفتاح خاص', url_credentials: 'رابط الاتصال' },
  negLabels: { order_number: 'رقم الطلب', tracking_number: 'رقم التتبع', date: 'التاريخ', version: 'الإصدار', uuid: 'معرف الطلب', part_number: 'رقم القطعة' },
};

const ru: LangPhrases = {
  subject: ['Тема: Не пришёл возврат', 'Тема: Не могу войти в аккаунт', 'Тема: Ошибка в счёте', 'Тема: Сбой сервиса', 'Re: обращение № 48213'],
  greeting: ['Здравствуйте,', 'Добрый день, {n}!', 'Уважаемая поддержка,', 'Привет, {n},'],
  filler: [
    'Жду ответа уже 3 дня.',
    'Проблема появилась после обновления во вторник.',
    'Посмотрите, пожалуйста, до пятницы.',
    'У нас затронуто 14 пользователей.',
    'Подробности ниже.',
    'На старом тарифе на 12 месяцев всё работало.',
  ],
  closing: ['Спасибо,', 'С уважением,', 'Заранее благодарю,'],
  email: ['Мой e-mail: {}', 'Пишите на {}.', 'Счёт, пожалуйста, отправьте на {}.'],
  phone: ['Мой телефон {}.', 'Моб.: {}', 'Звоните по номеру {} после 18:00.', 'Тел.: {}'],
  card: ['Списание прошло с карты {}.', 'Номер карты: {}'],
  ssn: ['Для американской формы мой SSN {}.', 'SSN: {}'],
  ssnBare: ['SSN: {}', 'SSN {}'],
  iban: ['Переведите, пожалуйста, на IBAN {}.', 'IBAN: {}'],
  ip: ['Запросы идут с {}.', 'IP сервера: {}', 'заблокированный адрес {}'],
  secret: ['вот ключ: {}', 'токен: {}', 'Случайно вставил {} в чат.'],
  order: ['Номер заказа {}.', 'трек-номер: {}', 'артикул {}'],
  date: ['с {}', '{} всё работало', 'время {}'],
  tech: ['см. {}', 'сборка {}', 'идентификатор {}'],
  labels: { email: 'E-mail', phone: 'Телефон', credit_card: 'Номер карты', us_ssn: 'SSN', iban: 'IBAN', ipv4: 'IP-адрес', ipv6: 'IPv6-адрес', api_key: 'API-ключ', jwt: 'Токен', private_key: 'Закрытый ключ', url_credentials: 'Строка подключения' },
  negLabels: { order_number: 'Номер заказа', tracking_number: 'Трек-номер', date: 'Дата', version: 'Версия', uuid: 'ID запроса', part_number: 'Артикул' },
};

export const PHRASES: Readonly<Record<Lang, LangPhrases>> = { en, de, fr, es, pt, ja, zh, hi, ar, ru };

/** Emoji people put right before a value (several are two UTF-16 code units, some are sequences). */
export const EMOJI = ['🙂', '📞', '📧', '💳', '👉', '🔑', '⚠️', '🙏', '👩‍💻', '🇩🇪', '👍🏽', '✅', '🚀', '📱', '🏦'];
