; sort (ANC): bubble sort of the 0-terminated list at mem[0..], ascending, in place.
; Each pass writes min/max of every adjacent pair and remembers whether anything moved.
.machine M=21 R=10
.init r6=@inner r7=@endpass r8=@done r9=@outer
outer:   r0 = ZERO           ; i
         r5 = ZERO           ; moved flag
inner:   r3 = INC r0
         r2 = READ r3        ; y = list[i+1]
         JEZ r2, r7          ; end of list: pass done
         r1 = READ r0        ; x = list[i]
         r4 = MIN r1, r2
         WRITE r0, r4
         r4 = MAX r1, r2
         WRITE r3, r4
         r4 = SUB r4, r2     ; nonzero iff the pair was swapped
         r5 = MAX r5, r4
         r0 = INC r0
         JEZ r9, r6          ; r9 = 0: always taken (ANC has no JMP)
endpass: JEZ r5, r8
         JEZ r9, r9
done:    STOP
