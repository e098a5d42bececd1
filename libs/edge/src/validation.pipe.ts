import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { listedFields, listProblems, TributaryError } from '@tributary/domain';

/** Validates request DTOs (class-validator) and reports failures as `validation_failed` with the fields named (the first ones: see listProblems). */
export const validationPipe = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors: ValidationError[]) =>
      new TributaryError(
        'invalid',
        'validation_failed',
        listProblems(errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }))),
        { fields: listedFields(errors.map((e) => e.property)) },
      ),
  });
