ALTER TABLE sections RESET (toast_tuple_target);
