export { Alert } from "./alert";
export { Badge } from "./badge";
export { Button, ButtonLink } from "./button";
export { Card, CardTitle } from "./card";
export { cx } from "./cx";
export { Field, inputClass } from "./field";
export { Table, Td, Th } from "./table";
