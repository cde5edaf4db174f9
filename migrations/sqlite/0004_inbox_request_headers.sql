-- The request headers a webhook delivery came with, for operators debugging deliveries: an
-- allow-listed subset (content type and length, user agent, Stripe-Signature), redacted on
-- ingress so that no signature value is ever stored (Stripe-Signature keeps only its `t=`).
-- A JSON object of header name → value, as text; NULL for rows received before this column
-- existed.
ALTER TABLE webhook_inbox ADD COLUMN request_headers TEXT;
