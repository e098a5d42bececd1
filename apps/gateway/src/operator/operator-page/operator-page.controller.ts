import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { OPERATOR_PAGE_CSS, OPERATOR_PAGE_HTML, OPERATOR_PAGE_SCRIPT } from './operator-page.assets.js';

/** The page trusts nothing but itself: its own script, style and endpoints; never framed. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** uPlot's browser build and its style, from the installed package (the page's charts; no CDN). */
const uplotDist = (file: string) => readFileSync(join(dirname(createRequire(import.meta.url).resolve('uplot')), file), 'utf8');

/** graphql-ws's browser build, from the installed package (the page's GraphQL subscription client). */
const graphqlWsClient = () => readFileSync(join(dirname(createRequire(import.meta.url).resolve('graphql-ws')), '..', 'umd', 'graphql-ws.min.js'), 'utf8');

/**
 * The operator page: static files only. It asks for the platform admin key and reads everything
 * through the GraphQL API at /ui/graphql with it; without the key it shows nothing. (A browser
 * navigation cannot carry a bearer key, so the page itself is not behind it — its data is.)
 */
@ApiExcludeController()
@Controller('ui')
export class OperatorPageController {
  private readonly client = graphqlWsClient();
  private readonly uplot = uplotDist('uPlot.iife.min.js');
  private readonly uplotCss = uplotDist('uPlot.min.css');

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CSP)
  @Header('cache-control', 'no-store')
  @Header('x-content-type-options', 'nosniff')
  @Header('referrer-policy', 'no-referrer')
  page(): string {
    return OPERATOR_PAGE_HTML;
  }

  @Get('app.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  script(): string {
    return OPERATOR_PAGE_SCRIPT;
  }

  @Get('app.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  style(): string {
    return OPERATOR_PAGE_CSS;
  }

  @Get('graphql-ws.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  graphqlWs(): string {
    return this.client;
  }

  @Get('uplot.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  uplotScript(): string {
    return this.uplot;
  }

  @Get('uplot.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  uplotStyle(): string {
    return this.uplotCss;
  }
}
