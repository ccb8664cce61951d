import{a}from"./chunk-YHX5JUMQ.js";import"./chunk-JSSOGFXD.js";import"./chunk-DFZTPQR2.js";export default a();
