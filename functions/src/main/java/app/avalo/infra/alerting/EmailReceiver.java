package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Email over SMTP (Eclipse Angus Mail): one {@code multipart/alternative} message, plain text and
 * HTML, to every configured address; STARTTLS and authentication when configured. The alert's dedup
 * key is in the subject and in a {@code X-Avalo-Alert} header so mail rules can thread it.
 */
final class EmailReceiver implements Receiver {
  /** SMTP connect, read and write timeouts. */
  static final int TIMEOUT_MS = 10_000;

  private final Session session;
  private final String user;
  private final String password;
  private final InternetAddress from;
  private final List<InternetAddress> to;
  private final Alerts.Severity minSeverity;

  EmailReceiver(
      String host,
      int port,
      boolean startTls,
      String user,
      String password,
      InternetAddress from,
      List<InternetAddress> to,
      Alerts.Severity minSeverity) {
    Properties props = new Properties();
    props.setProperty("mail.smtp.host", host);
    props.setProperty("mail.smtp.port", Integer.toString(port));
    props.setProperty("mail.smtp.auth", Boolean.toString(user != null));
    props.setProperty("mail.smtp.starttls.enable", Boolean.toString(startTls));
    props.setProperty("mail.smtp.starttls.required", Boolean.toString(startTls));
    props.setProperty("mail.smtp.connectiontimeout", Integer.toString(TIMEOUT_MS));
    props.setProperty("mail.smtp.timeout", Integer.toString(TIMEOUT_MS));
    props.setProperty("mail.smtp.writetimeout", Integer.toString(TIMEOUT_MS));
    this.session = Session.getInstance(props);
    this.user = user;
    this.password = password;
    this.from = from;
    this.to = List.copyOf(to);
    this.minSeverity = minSeverity;
  }

  @Override
  public String name() {
    return "email";
  }

  @Override
  public Alerts.Severity minSeverity() {
    return minSeverity;
  }

  @Override
  public void deliver(AlertBatch batch) throws DeliveryException {
    try {
      MimeMessage mail = message(batch.current());
      if (user != null) {
        Transport.send(mail, user, password);
      } else {
        Transport.send(mail);
      }
    } catch (jakarta.mail.AuthenticationFailedException e) {
      throw new DeliveryException("email: SMTP authentication failed: " + e.getMessage(), false, e);
    } catch (MessagingException e) {
      throw new DeliveryException("email: " + e, true, e);
    }
  }

  @SuppressWarnings("JavaUtilDate") // jakarta.mail takes a java.util.Date
  MimeMessage message(AlertBatch batch) throws MessagingException {
    MimeMessage mail = new MimeMessage(session);
    mail.setFrom(from);
    mail.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
    mail.setSubject(
        PagerDutyReceiver.truncate(batch.headline(), 200), StandardCharsets.UTF_8.name());
    mail.setSentDate(Date.from(batch.alerts().get(batch.alerts().size() - 1).at()));
    mail.setHeader("X-Avalo-Group", batch.groupKey());
    for (AlertMessage m : batch.alerts()) {
      mail.addHeader("X-Avalo-Alert", m.dedupKey());
    }
    MimeBodyPart text = new MimeBodyPart();
    text.setText(text(batch), StandardCharsets.UTF_8.name(), "plain");
    MimeBodyPart html = new MimeBodyPart();
    html.setText(html(batch), StandardCharsets.UTF_8.name(), "html");
    MimeMultipart alternative = new MimeMultipart("alternative", text, html);
    mail.setContent(alternative);
    mail.saveChanges();
    return mail;
  }

  static String text(AlertBatch batch) {
    StringBuilder out = new StringBuilder();
    if (!batch.single()) {
      out.append(batch.headline()).append("\n\n");
    }
    for (AlertMessage m : batch.alerts()) {
      out.append(text(m)).append('\n');
    }
    String dashboard = batch.dashboardUrl();
    if (!dashboard.isEmpty()) {
      out.append("Dashboard: ").append(dashboard).append('\n');
    }
    return out.toString();
  }

  private static String text(AlertMessage m) {
    StringBuilder out = new StringBuilder();
    out.append(m.headline()).append("\n\n");
    out.append("Severity: ").append(m.severity().wire()).append('\n');
    out.append("Change:   ").append(m.change().wire()).append('\n');
    out.append("Source:   ").append(m.source()).append(" · ").append(m.key()).append('\n');
    out.append("Since:    ").append(m.openedAt()).append('\n');
    for (Map.Entry<String, Object> d : m.details().entrySet()) {
      out.append(d.getKey()).append(": ").append(d.getValue()).append('\n');
    }
    return out.toString();
  }

  static String html(AlertBatch batch) {
    StringBuilder body = new StringBuilder();
    if (!batch.single()) {
      body.append("<h1>").append(escape(batch.headline())).append("</h1>");
    }
    for (AlertMessage m : batch.alerts()) {
      body.append(html(m));
    }
    String link =
        batch.dashboardUrl().isEmpty()
            ? ""
            : "<p><a href=\""
                + escape(batch.dashboardUrl())
                + "\">Open the Avalo dashboard</a></p>";
    return "<!doctype html><html><body>" + body + link + "</body></html>";
  }

  private static String html(AlertMessage m) {
    StringBuilder rows = new StringBuilder();
    row(rows, "Severity", m.severity().wire());
    row(rows, "Change", m.change().wire());
    row(rows, "Source", m.source() + " · " + m.key());
    row(rows, "Since", m.openedAt().toString());
    m.details().forEach((k, v) -> row(rows, k, String.valueOf(v)));
    return "<h2>" + escape(m.headline()) + "</h2><table>" + rows + "</table>";
  }

  private static void row(StringBuilder rows, String label, String value) {
    rows.append("<tr><th align=\"left\">")
        .append(escape(label))
        .append("</th><td>")
        .append(escape(value))
        .append("</td></tr>");
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
