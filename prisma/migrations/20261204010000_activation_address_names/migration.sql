-- The stored activation address of a US prepaid order (Order.activationDetails.address)
-- takes the field names of the common provider interface (firstName, zipCode...).
-- The snake_case names MeiSIM documents are written only inside lib/providers/meisim,
-- when the order is placed. (No apostrophes here: the migration runner reads them as quotes.)
UPDATE "Order"
SET "activationDetails" = jsonb_set(
  "activationDetails",
  '{address}',
  jsonb_build_object(
    'firstName', "activationDetails" -> 'address' -> 'first_name',
    'lastName', "activationDetails" -> 'address' -> 'last_name',
    'addressLine1', "activationDetails" -> 'address' -> 'address_line_1',
    'city', "activationDetails" -> 'address' -> 'city',
    'state', "activationDetails" -> 'address' -> 'state',
    'zipCode', "activationDetails" -> 'address' -> 'zip_code',
    'phone', "activationDetails" -> 'address' -> 'phone'
  )
)
WHERE "activationDetails" -> 'address' ? 'first_name';
